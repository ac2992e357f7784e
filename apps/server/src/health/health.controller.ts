import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/auth.decorators.ts';
import { Readiness } from './readiness.ts';

@Controller('health')
export class HealthController {
  constructor(@Inject(Readiness) private readonly readiness: Readiness) {}

  /** 200 only when the database, the engine (Zeebe) and the workers are ready; 503 with the failing checks otherwise. */
  @Public()
  @Get()
  async health(@Res() response: Response): Promise<void> {
    const report = await this.readiness.report();
    response.status(report.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json({
      status: report.ready ? 'ok' : 'unavailable',
      checks: report.checks,
    });
  }

  /** Liveness: 200 `{}` whenever the process answers HTTP, without touching the database or the engine. */
  @Public()
  @Get('live')
  live(): Record<string, never> {
    return {};
  }
}
