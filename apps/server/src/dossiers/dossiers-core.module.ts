import { Global, Module } from '@nestjs/common';
import { AttachmentStorage } from './attachment-storage.ts';
import { DossierLifecycleService } from './dossier-lifecycle.service.ts';

/**
 * What the api and workers roles share about dossiers: files, the life-cycle steps. The catalogue (CatalogueModule)
 * provides the DossierCatalogue port, the calendar (CalendarModule) the CalendarSource port.
 */
@Global()
@Module({
  providers: [AttachmentStorage, DossierLifecycleService],
  exports: [AttachmentStorage, DossierLifecycleService],
})
export class DossiersCoreModule {}
