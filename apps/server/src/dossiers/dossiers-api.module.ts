import { Module } from '@nestjs/common';
import { DossierTracking } from './dossier-tracking.ts';
import { DossiersController } from './dossiers.controller.ts';
import { DossiersService } from './dossiers.service.ts';
import { FeePayments, FeePaymentsController } from './fee-payments.ts';
import { ProcessStarter } from './process-starter.service.ts';
import { UploadInterceptor } from './upload.interceptor.ts';

/** The citizen's and desk's dossier endpoints (api role). */
@Module({
  controllers: [DossiersController, FeePaymentsController],
  providers: [DossiersService, DossierTracking, FeePayments, ProcessStarter, UploadInterceptor],
  exports: [DossiersService, ProcessStarter],
})
export class DossiersApiModule {}
