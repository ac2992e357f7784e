import { Global, Module } from '@nestjs/common';
import { AttachmentStorage } from './attachment-storage.ts';
import { CalendarSource } from './calendar-source.ts';
import { DossierLifecycleService } from './dossier-lifecycle.service.ts';

/**
 * What the api and workers roles share about dossiers: files, the calendar, the life-cycle steps. The catalogue
 * (CatalogueModule) provides the DossierCatalogue port.
 */
@Global()
@Module({
  providers: [AttachmentStorage, CalendarSource, DossierLifecycleService],
  exports: [AttachmentStorage, CalendarSource, DossierLifecycleService],
})
export class DossiersCoreModule {}
