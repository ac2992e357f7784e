import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DossierCatalogue } from '../dossiers/dossier-catalogue.ts';
import { AdminServicesController } from './admin-services.controller.ts';
import { BundlesController } from './bundles.controller.ts';
import { CatalogueController } from './catalogue.controller.ts';
import { CatalogueService } from './catalogue.service.ts';
import { ReferenceBundlesPublisher } from './reference-bundles.publisher.ts';
import { ServiceVersion } from './service-version.entity.ts';
import { Service } from './service.entity.ts';

/**
 * The service catalogue and its published versions, for every role: CatalogueService, also as the DossierCatalogue
 * port the dossiers feature reads service versions through.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Service, ServiceVersion])],
  providers: [CatalogueService, { provide: DossierCatalogue, useExisting: CatalogueService }],
  exports: [CatalogueService, DossierCatalogue],
})
export class CatalogueModule {}

/** The api role's part: the catalogue, publishing and administration endpoints, and the reference bundles at start. */
@Module({
  controllers: [CatalogueController, BundlesController, AdminServicesController],
  providers: [ReferenceBundlesPublisher],
})
export class CatalogueApiModule {}
