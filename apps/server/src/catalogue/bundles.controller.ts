import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Roles } from '../auth/auth.decorators.ts';
import { clientIp } from '../auth/cookies.ts';
import { CurrentUser } from '../auth/current-user.decorator.ts';
import type { AuthenticatedUser } from '../auth/current-user.decorator.ts';
import { DomainError } from '../common/domain-error.ts';
import type { BundleProblem } from './bundle.ts';
import { bundleChecksum } from './bundle-checksum.ts';
import { CatalogueService } from './catalogue.service.ts';
import type { PublishResult } from './catalogue.service.ts';

/**
 * No-code publishing (issue 3, item 4): a bundle `{ bpmn, metadata, forms: { submission, tasks }, effectiveFrom? }`
 * is validated before anything is stored; a valid one is deployed to Zeebe and stored as the service's next version.
 */
@ApiTags('publishing')
@Controller('admin/bundles')
export class BundlesController {
  constructor(@Inject(CatalogueService) private readonly catalogue: CatalogueService) {}

  /** Checks a bundle without storing or deploying it: 200 `{ valid, checksum, warnings }`, or 422 listing problems. */
  @Roles('administrator', 'designer')
  @Post('validate')
  @HttpCode(200)
  async validate(@Body() body: unknown): Promise<{ valid: true; checksum: string; warnings: BundleProblem[] }> {
    const validation = await this.catalogue.validate(body);
    if (!validation.bundle) {
      throw new DomainError(
        'BUNDLE_INVALID',
        `Gói quy trình không hợp lệ: ${validation.problems.length} lỗi`,
        `The bundle is not valid: ${validation.problems.length} problem(s)`,
        validation.problems,
      );
    }
    return { valid: true, checksum: bundleChecksum(validation.bundle), warnings: validation.warnings };
  }

  /** Publishes a bundle: 201 with the new version, 200 when the same content already is the latest version. */
  @Roles('administrator')
  @Post()
  async publish(
    @Body() body: unknown,
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PublishResult> {
    const result = await this.catalogue.publish(body, user, clientIp(request));
    response.status(result.created ? 201 : 200);
    return result;
  }
}
