import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createDocumentRenderer, signPdf } from '@motcua/documents';
import type { DocumentRenderer } from '@motcua/documents';
import { Agency } from '../agencies/agency.entity.ts';
import { CONFIG } from '../config/config.module.ts';
import type { MotcuaConfig } from '../config/config.ts';
import { DossierLifecycleService, DossierStepError, signStepKey } from '../dossiers/dossier-lifecycle.service.ts';
import type { StepOutputs } from '../dossiers/dossier-lifecycle.service.ts';
import { Dossier } from '../dossiers/dossier.entity.ts';
import { UsersService } from '../users/users.service.ts';
import { resultDocument, resultTemplate } from './result-document.ts';
import { SigningIdentityService } from './signing-identity.service.ts';

/**
 * motcua.sign: renders the dossier's result document (template from the job's `template` header) to PDF with a
 * Unicode font, signs it PAdES baseline-B with the organisation's key, and stores it as the dossier's result.
 */
@Injectable()
export class ResultSigningService {
  private readonly renderer: DocumentRenderer = createDocumentRenderer();

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(DossierLifecycleService) private readonly lifecycle: DossierLifecycleService,
    @Inject(SigningIdentityService) private readonly identities: SigningIdentityService,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(CONFIG) private readonly config: MotcuaConfig,
  ) {}

  async sign(
    dossierId: string,
    elementId: string,
    template: string,
    variables: { refusalReason?: unknown; stopReason?: unknown; approverName?: unknown },
  ): Promise<StepOutputs> {
    const done = await this.lifecycle.completedStep(signStepKey(dossierId, elementId));
    if (done) return done;
    const version = await this.lifecycle.versionOfDossier(dossierId);
    const dossier = await this.dataSource.getRepository(Dossier).findOneOrFail({ where: { id: dossierId } });
    const agencies = this.dataSource.getRepository(Agency);
    const agency = await agencies.findOne({ where: { id: dossier.agencyId } });
    if (!agency) throw new DossierStepError(`competent agency ${dossier.agencyId} of dossier ${dossierId} not found`);
    const parent = agency.parentId ? await agencies.findOne({ where: { id: agency.parentId } }) : null;
    const leaders = await this.users.membersOfGroup(`leader@${agency.code}`);
    const signerName =
      (typeof variables.approverName === 'string' && variables.approverName.trim()) ||
      leaders[0]?.fullName ||
      agency.nameVi;
    const documentNumber = await this.lifecycle.documentNumber(dossierId, template, resultTemplate(template).symbol);
    const signedAt = new Date();
    const code = dossier.code ?? dossier.id;
    const pdf = await this.renderer.render(
      resultDocument({
        template,
        documentNumber,
        issuedAt: signedAt,
        agency: {
          nameVi: agency.nameVi,
          parentNameVi: parent && agency.level !== 'commune' ? parent.nameVi : undefined,
        },
        dossier: {
          code,
          submittedAt: dossier.submittedAt,
          applicantName: dossier.applicant.name,
          formData: dossier.formData,
        },
        service: {
          nameVi: version.metadata.names.vi,
          resultNameVi:
            version.metadata.refusalDocument?.template === template
              ? version.metadata.refusalDocument.names.vi
              : version.metadata.resultDocument.names.vi,
          refusalNameVi: version.metadata.refusalDocument?.names.vi,
          legalBasis: version.metadata.legalBasis,
        },
        submissionSchema: version.submissionSchema,
        refusalReason: typeof variables.refusalReason === 'string' ? variables.refusalReason : undefined,
        stopReason: typeof variables.stopReason === 'string' ? variables.stopReason : undefined,
        signerName,
        trackingUrl: `${this.config.publicBaseUrl}/tra-cuu?ma=${encodeURIComponent(code)}`,
      }),
    );
    const signed = await signPdf(pdf, await this.identities.get(), {
      reason: `Ký số kết quả giải quyết hồ sơ ${code} / Result of dossier ${code}`,
      location: agency.nameVi,
      name: agency.nameVi,
      signingTime: signedAt,
    });
    const kind = resultTemplate(template).stop ? 'stop-notice' : 'result';
    return this.lifecycle.storeResult(dossierId, elementId, { pdf: signed, template, documentNumber, signedAt, kind });
  }
}
