import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { DomainErrorFilter } from './domain-error.filter.ts';

/** HTTP-wide pieces of the api role: the one exception filter (DomainError → JSON). */
@Module({
  providers: [{ provide: APP_FILTER, useClass: DomainErrorFilter }],
})
export class CommonModule {}
