import { Inject, Logger, Module } from '@nestjs/common';
import type { OnApplicationBootstrap } from '@nestjs/common';
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
 * into an empty users table and drops expired sessions.
 */
@Module({
  imports: [TypeOrmModule.forFeature([AuthSession, User])],
  controllers: [AuthController],
  providers: [AuthService, DemoSeedService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService],
})
export class AuthModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('motcua');

  constructor(
    @Inject(DemoSeedService) private readonly seed: DemoSeedService,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.seed.seedIfEmpty()) this.logger.log('demo agencies and users seeded (README "Demo users")');
    await this.auth.purgeExpired();
  }
}
