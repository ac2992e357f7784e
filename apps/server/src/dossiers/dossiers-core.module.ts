import { Global, Module } from '@nestjs/common';
import { DossierLifecycleService } from './dossier-lifecycle.service.ts';

/**
 * What the api and workers roles share about dossiers: the life-cycle steps (the files store, AttachmentStorage, is
 * opened by startServer and provided by AppModule). The catalogue (CatalogueModule)
 * provides the DossierCatalogue port, the calendar (CalendarModule) the CalendarSource port.
 */
@Global()
@Module({
  providers: [DossierLifecycleService],
  exports: [DossierLifecycleService],
})
export class DossiersCoreModule {}
