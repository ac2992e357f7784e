import { Inject, Logger, Module } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DemoSeedService } from '../seed/demo-seed.service.ts';
import { User } from '../users/user.entity.ts';
import { AuthController } from './auth.controller.ts';
import { AuthGuard } from './auth.guard.ts';
import { AuthService } from './auth.service.ts';
import { AuthSession } from './auth-session.entity.ts';

/**
 * Login, sessions, bearer tokens and the global guard (api role). At start it seeds the demo data
 * into an empty users table and drops expired sessions (then hourly).
 */
@Module({
  imports: [TypeOrmModule.forFeature([AuthSession, User])],
  controllers: [AuthController],
  providers: [AuthService, DemoSeedService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService],
})
export class AuthModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('motcua');
  private purge?: NodeJS.Timeout;

  constructor(
    @Inject(DemoSeedService) private readonly seed: DemoSeedService,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.seed.seedIfEmpty()) this.logger.log('demo agencies and users seeded (README "Demo users")');
    await this.auth.purgeExpired();
    // Expired rows are refused when met anyway; this only keeps the table small.
    this.purge = setInterval(() => {
      this.auth.purgeExpired().catch((error: unknown) => this.logger.warn(`session purge failed: ${String(error)}`));
    }, 3600_000);
    this.purge.unref();
  }

  onApplicationShutdown(): void {
    if (this.purge) clearInterval(this.purge);
  }
}
