import { Inject, Module } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import { CONFIG } from '../config/config.module.ts';
import type { MotcuaConfig } from '../config/config.ts';
import { DomainErrorFilter } from './domain-error.filter.ts';

/**
 * HTTP-wide pieces of the api role: the one exception filter (DomainError → JSON), which reverse
 * proxies to believe for the client address and https (MOTCUA_TRUST_PROXY), so per-address limits
 * count clients, not the proxy, and no ETag or X-Powered-By header.
 */
@Module({
  providers: [{ provide: APP_FILTER, useClass: DomainErrorFilter }],
})
export class CommonModule implements OnModuleInit {
  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(CONFIG) private readonly config: MotcuaConfig,
  ) {}

  onModuleInit(): void {
    const instance = this.adapterHost.httpAdapter?.getInstance() as { set?: (name: string, value: unknown) => void };
    instance?.set?.('trust proxy', this.config.trustProxy);
    // No ETag: the answers follow each dossier step, no client revalidates them, and Express would hash every body.
    instance?.set?.('etag', false);
    // Nothing to gain from naming the framework to every caller.
    instance?.set?.('x-powered-by', false);
  }
}
