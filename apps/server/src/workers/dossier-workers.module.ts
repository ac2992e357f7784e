import { Module } from '@nestjs/common';
import { MailSender } from '../notifications/mail-sender.service.ts';
import { ResultSigningService } from '../signing/result-signing.service.ts';
import { SigningIdentityService } from '../signing/signing-identity.service.ts';
import { DossierWorkers } from './dossier-workers.service.ts';

/** The motcua.* job workers and the notification outbox sender (workers role). */
@Module({
  providers: [DossierWorkers, ResultSigningService, SigningIdentityService, MailSender],
  exports: [DossierWorkers, MailSender, SigningIdentityService],
})
export class DossierWorkersModule {}
