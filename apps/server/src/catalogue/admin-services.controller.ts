import { Controller, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Roles } from '../auth/auth.decorators.ts';
import { clientIp } from '../auth/cookies.ts';
import { CurrentUser } from '../auth/current-user.decorator.ts';
import type { AuthenticatedUser } from '../auth/current-user.decorator.ts';
import { DomainError } from '../common/domain-error.ts';
import { CatalogueService } from './catalogue.service.ts';
import type { ServiceSummary, VersionDetail, VersionSummary } from './catalogue.service.ts';

/** The administrators' view of the catalogue: every service, active or not, and every published version. */
@ApiTags('admin')
@Controller('admin/services')
export class AdminServicesController {
  constructor(@Inject(CatalogueService) private readonly catalogue: CatalogueService) {}

  @Roles('administrator', 'designer')
  @Get()
  async list(): Promise<{ services: ServiceSummary[] }> {
    return { services: await this.catalogue.listServices() };
  }

  @Roles('administrator', 'designer')
  @Get(':code')
  get(@Param('code') code: string): Promise<ServiceSummary & { versions: VersionSummary[] }> {
    return this.catalogue.getService(code);
  }

  /** One version with its BPMN, metadata and forms. */
  @Roles('administrator', 'designer')
  @Get(':code/versions/:version')
  version(@Param('code') code: string, @Param('version') version: string): Promise<VersionDetail> {
    if (!/^[1-9]\d{0,8}$/.test(version)) {
      throw DomainError.validation([
        { field: 'version', message: 'Số phiên bản là số nguyên dương / The version is a positive whole number' },
      ]);
    }
    return this.catalogue.getVersion(code, Number(version));
  }

  /** Takes the service out of the catalogue: no new dossiers; running dossiers go on. */
  @Roles('administrator')
  @Post(':code/deactivate')
  @HttpCode(200)
  deactivate(
    @Param('code') code: string,
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: Request,
  ): Promise<ServiceSummary> {
    return this.catalogue.setActive(code, false, user, clientIp(request));
  }

  @Roles('administrator')
  @Post(':code/activate')
  @HttpCode(200)
  activate(
    @Param('code') code: string,
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: Request,
  ): Promise<ServiceSummary> {
    return this.catalogue.setActive(code, true, user, clientIp(request));
  }
}
