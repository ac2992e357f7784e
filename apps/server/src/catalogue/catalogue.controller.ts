import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public, Roles } from '../auth/auth.decorators.ts';
import { CatalogueService } from './catalogue.service.ts';
import type { CatalogueDetail, CatalogueEntry, VersionSummary } from './catalogue.service.ts';

/** The citizens' service catalogue: what can be applied for, with its form, documents, fees and legal time. */
@ApiTags('catalogue')
@Controller('services')
export class CatalogueController {
  constructor(@Inject(CatalogueService) private readonly catalogue: CatalogueService) {}

  /** Services in force, filtered by `level`, `agency` (agency role), `onlineLevel` and `q` (with or without diacritics). */
  @Public()
  @Get()
  async list(@Query() query: Record<string, unknown>): Promise<{ services: CatalogueEntry[] }> {
    return { services: await this.catalogue.catalogue(CatalogueService.catalogueFilter(query)) };
  }

  /** The version in force of one service, with its submission form (JSON Schema) and full metadata. */
  @Public()
  @Get(':code')
  detail(@Param('code') code: string): Promise<CatalogueDetail> {
    return this.catalogue.catalogueDetail(code);
  }

  /** Every published version of a service (administrators and designers). */
  @Roles('administrator', 'designer')
  @Get(':code/versions')
  async versions(@Param('code') code: string): Promise<{ versions: VersionSummary[] }> {
    return { versions: await this.catalogue.listVersions(code) };
  }
}
