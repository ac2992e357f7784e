import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import type { DeployResourceResponse, ProcessDeployment } from '@camunda8/sdk/dist/zeebe/lib/interfaces-grpc-1.0.js';
import { DataSource, In, LessThanOrEqual } from 'typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { AuditService } from '../audit/audit.service.ts';
import type { AuditActor } from '../audit/audit.service.ts';
import { DomainError } from '../common/domain-error.ts';
import { todayInVietnam } from '../common/input.ts';
import { inTransaction, isUniqueViolation } from '../database/transaction.ts';
import { DossierCatalogue } from '../dossiers/dossier-catalogue.ts';
import type { DossierServiceVersion } from '../dossiers/dossier-catalogue.ts';
import { ZEEBE } from '../zeebe/zeebe.ts';
import type { Bundle, BundleMetadata, BundleProblem, JsonSchema, Localized } from './bundle.ts';
import { bundleChecksum } from './bundle-checksum.ts';
import { validateBundle } from './bundle-validator.ts';
import type { BundleValidation } from './bundle-validator.ts';
import { ServiceVersion } from './service-version.entity.ts';
import { Service } from './service.entity.ts';

/** A service as the citizens' catalogue lists it: its current version's catalogue data. */
export interface CatalogueEntry {
  code: string;
  slug: string;
  version: number;
  effectiveFrom: string;
  names: Localized;
  descriptions: Localized;
  sector: Localized;
  level: BundleMetadata['level'];
  competentAgencyRole: string;
  participatingAgencies: { role: string; names: Localized; agencyRole?: string }[];
  onlineLevel: BundleMetadata['onlineLevel'];
  legalDuration: BundleMetadata['legalDuration'];
  fees: BundleMetadata['fees'];
  requiredDocuments: BundleMetadata['requiredDocuments'];
  resultDocument: BundleMetadata['resultDocument'];
}

/** One service with its current version's submission form and full metadata (`GET /api/services/:code`). */
export interface CatalogueDetail extends CatalogueEntry {
  legalBasis: BundleMetadata['legalBasis'];
  metadata: BundleMetadata;
  submissionForm: JsonSchema;
}

export interface CatalogueFilter {
  level?: string;
  /** Role of the competent or a participating agency. */
  agency?: string;
  onlineLevel?: string;
  /** Text search in names, code and sector, Vietnamese with or without diacritics. */
  q?: string;
}

/** A version without its documents (lists). */
export interface VersionSummary {
  id: string;
  version: number;
  effectiveFrom: string;
  current: boolean;
  bpmnProcessId: string;
  processDefinitionKey: string;
  processVersion: number;
  checksum: string;
  publishedAt: string;
  publishedBy: string | null;
}

/** A version with everything it published (`GET /api/admin/services/:code/versions/:version`). */
export interface VersionDetail extends VersionSummary {
  bpmnXml: string;
  metadata: BundleMetadata;
  forms: { submission: JsonSchema; tasks: Record<string, JsonSchema> };
}

export interface ServiceSummary {
  id: string;
  code: string;
  slug: string;
  names: Localized;
  level: Service['level'];
  competentAgencyRole: string;
  onlineLevel: Service['onlineLevel'];
  active: boolean;
  latestVersion: number;
  /** The version in force today; null while every version is still to come. */
  currentVersion: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface PublishResult {
  /** False when the same content already was the latest version: nothing was deployed or stored. */
  created: boolean;
  service: ServiceSummary;
  version: VersionSummary;
  warnings: BundleProblem[];
}

const LEVELS = ['commune', 'province'];
const ONLINE_LEVELS = ['full', 'partial'];

/** Lower case without Vietnamese diacritics (đ → d), for search: "dang ky" finds "Đăng ký". */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

function bundleInvalid(problems: BundleProblem[]): DomainError {
  return new DomainError(
    'BUNDLE_INVALID',
    `Gói quy trình không hợp lệ: ${problems.length} lỗi, chưa có gì được lưu`,
    `The bundle is not valid: ${problems.length} problem(s), nothing was stored`,
    problems,
  );
}

/** Freezes a JSON-like value and everything in it. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function serviceNotFound(code: string): DomainError {
  return DomainError.notFound('dịch vụ', 'service', code);
}

/**
 * The service catalogue: publishing bundles (validate → deploy to Zeebe → store a version, in that order, so a refused
 * bundle leaves nothing behind), the citizens' catalogue, the administrators' views, and the versions dossiers run on.
 */
@Injectable()
export class CatalogueService extends DossierCatalogue {
  private readonly logger = new Logger('motcua');
  /**
   * Published versions by id. A stored version never changes (publishing only inserts), and dossiers read theirs at
   * every step, so each is read once per process — the BPMN text and forms parsed once, not per step. Unknown ids and
   * failed reads are not kept.
   */
  private readonly versionsById = new Map<string, Promise<DossierServiceVersion | null>>();

  constructor(
    @InjectRepository(Service) private readonly services: Repository<Service>,
    @InjectRepository(ServiceVersion) private readonly versions: Repository<ServiceVersion>,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ZEEBE) private readonly zeebe: ZeebeGrpcClient,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {
    super();
  }

  // --- publishing ---------------------------------------------------------------------------------

  validate(input: unknown): Promise<BundleValidation> {
    return validateBundle(input);
  }

  /** The checksum of the latest published version of the service with this code, if any. */
  async latestChecksum(code: string): Promise<string | null> {
    const service = await this.services.findOne({ where: { code } });
    if (!service) return null;
    const latest = await this.versions.findOne({
      where: { serviceId: service.id, version: service.latestVersion },
      select: { id: true, checksum: true },
    });
    return latest?.checksum ?? null;
  }

  /**
   * Publishes a bundle: validates it (422 listing every problem), deploys the BPMN to Zeebe, then stores the service
   * and its new version with an audit entry in one transaction. The same content as the latest version returns that
   * version (created: false) without deploying again.
   */
  async publish(input: unknown, actor: AuditActor | null, ip?: string | null): Promise<PublishResult> {
    const validation = await validateBundle(input);
    if (!validation.bundle) throw bundleInvalid(validation.problems);
    const bundle = validation.bundle;
    const checksum = bundleChecksum(bundle);
    const unchanged = await this.unchangedLatest(bundle.metadata.code, checksum);
    if (unchanged) return { created: false, ...unchanged, warnings: validation.warnings };

    const deployed = await this.deploy(bundle);
    const store = (): Promise<PublishResult> =>
      inTransaction(this.dataSource, (manager) =>
        this.store(manager, bundle, checksum, deployed, actor, ip, validation),
      );
    try {
      return await store();
    } catch (error) {
      // Another publisher stored a version of the same service meanwhile: look again (same content → that version).
      if (!isUniqueViolation(error)) throw error;
      return await store();
    }
  }

  private async unchangedLatest(
    code: string,
    checksum: string,
  ): Promise<{ service: ServiceSummary; version: VersionSummary } | null> {
    const service = await this.services.findOne({ where: { code } });
    if (!service) return null;
    const latest = await this.versions.findOne({ where: { serviceId: service.id, version: service.latestVersion } });
    if (!latest || latest.checksum !== checksum) return null;
    const current = await this.currentOf(service.id);
    return {
      service: this.serviceSummary(service, current?.version ?? null),
      version: this.versionSummary(latest, current?.id),
    };
  }

  private async deploy(bundle: Bundle): Promise<{ processDefinitionKey: string; processVersion: number }> {
    let response: DeployResourceResponse<ProcessDeployment>;
    try {
      response = await this.zeebe.deployResource({
        name: `${bundle.metadata.slug}.bpmn`,
        process: Buffer.from(bundle.bpmn, 'utf8'),
      });
    } catch (error) {
      const { code, details, message } = error as { code?: number; details?: string; message?: string };
      // gRPC INVALID_ARGUMENT (3) / FAILED_PRECONDITION (9): Zeebe refused the diagram.
      if (code === 3 || code === 9) {
        throw new DomainError(
          'DEPLOYMENT_REJECTED',
          'Zeebe từ chối triển khai sơ đồ, chưa có gì được lưu',
          'Zeebe refused to deploy the diagram, nothing was stored',
          [{ path: '/bpmn', message: details ?? message ?? String(error), rule: 'zeebe' }],
        );
      }
      this.logger.error(`deploying ${bundle.metadata.slug}.bpmn failed: ${message ?? String(error)}`);
      throw new DomainError(
        'SERVICE_UNAVAILABLE',
        'Không kết nối được với máy chủ quy trình (Zeebe), chưa có gì được lưu; vui lòng thử lại',
        'The workflow engine (Zeebe) could not be reached, nothing was stored; please try again',
      );
    }
    const process = response.deployments
      .map((deployment) => deployment.process)
      .find((deployed) => deployed?.bpmnProcessId === bundle.metadata.bpmnProcessId);
    if (!process) {
      throw new DomainError(
        'DEPLOYMENT_REJECTED',
        'Zeebe không trả về quy trình đã triển khai',
        `Zeebe did not return the deployed process '${bundle.metadata.bpmnProcessId}'`,
      );
    }
    return { processDefinitionKey: String(process.processDefinitionKey), processVersion: Number(process.version) };
  }

  private async store(
    manager: EntityManager,
    bundle: Bundle,
    checksum: string,
    deployed: { processDefinitionKey: string; processVersion: number },
    actor: AuditActor | null,
    ip: string | null | undefined,
    validation: BundleValidation,
  ): Promise<PublishResult> {
    const services = manager.getRepository(Service);
    const versions = manager.getRepository(ServiceVersion);
    const { metadata } = bundle;
    const now = new Date();
    let service = await services.findOne({ where: { code: metadata.code } });
    if (service) {
      const latest = await versions.findOne({ where: { serviceId: service.id, version: service.latestVersion } });
      if (latest?.checksum === checksum) {
        const current = await this.currentOf(service.id, todayInVietnam(), manager);
        return {
          created: false,
          service: this.serviceSummary(service, current?.version ?? null),
          version: this.versionSummary(latest, current?.id),
          warnings: validation.warnings,
        };
      }
    }
    const isNew = !service;
    service = services.create({
      ...(service ?? { id: randomUUID(), active: true, createdAt: now }),
      code: metadata.code,
      slug: metadata.slug,
      nameVi: metadata.names.vi,
      nameEn: metadata.names.en,
      level: metadata.level,
      competentAgencyRole: metadata.competentAgencyRole,
      onlineLevel: metadata.onlineLevel,
      latestVersion: (service?.latestVersion ?? 0) + 1,
      updatedAt: now,
    });
    if (isNew) await services.insert(service);
    else await services.save(service);
    const version = versions.create({
      id: randomUUID(),
      serviceId: service.id,
      version: service.latestVersion,
      bpmnProcessId: metadata.bpmnProcessId,
      processDefinitionKey: deployed.processDefinitionKey,
      processVersion: deployed.processVersion,
      bpmnXml: bundle.bpmn,
      metadata,
      submissionForm: bundle.forms.submission,
      taskForms: bundle.forms.tasks,
      effectiveFrom: bundle.effectiveFrom ?? todayInVietnam(),
      publishedAt: now,
      publishedById: actor?.id ?? null,
      publishedByUsername: actor?.username ?? null,
      checksum,
    });
    await versions.save(version);
    await this.audit.record(
      {
        actor,
        action: 'service.publish',
        entity: 'service',
        entityId: service.id,
        data: {
          code: service.code,
          version: version.version,
          effectiveFrom: version.effectiveFrom,
          bpmnProcessId: version.bpmnProcessId,
          processDefinitionKey: version.processDefinitionKey,
          checksum,
        },
        ip: ip ?? null,
      },
      manager,
    );
    const current = await this.currentOf(service.id, todayInVietnam(), manager);
    return {
      created: true,
      service: this.serviceSummary(service, current?.version ?? null),
      version: this.versionSummary(version, current?.id),
      warnings: validation.warnings,
    };
  }

  // --- versions in force --------------------------------------------------------------------------

  /** The version of a service in force on `date` (YYYY-MM-DD): the highest version effective by then. */
  private async currentOf(
    serviceId: string,
    date: string = todayInVietnam(),
    manager?: EntityManager,
  ): Promise<ServiceVersion | null> {
    const versions = manager ? manager.getRepository(ServiceVersion) : this.versions;
    return versions.findOne({
      where: { serviceId, effectiveFrom: LessThanOrEqual(date) },
      order: { version: 'DESC' },
    });
  }

  /** For each service id, the id and number of its version in force on `date` (documents not loaded). */
  private async currentVersionIds(
    serviceIds: string[],
    date: string,
  ): Promise<Map<string, { id: string; version: number }>> {
    const current = new Map<string, { id: string; version: number }>();
    if (serviceIds.length === 0) return current;
    const rows = await this.versions.find({
      where: { serviceId: In(serviceIds), effectiveFrom: LessThanOrEqual(date) },
      select: { id: true, serviceId: true, version: true },
    });
    for (const row of rows) {
      const best = current.get(row.serviceId);
      if (!best || row.version > best.version) current.set(row.serviceId, { id: row.id, version: row.version });
    }
    return current;
  }

  // --- the citizens' catalogue --------------------------------------------------------------------

  /** Active services with a version in force today, filtered; sorted by Vietnamese name. */
  async catalogue(filter: CatalogueFilter = {}): Promise<CatalogueEntry[]> {
    const services = await this.services.find({ where: { active: true } });
    const current = await this.currentVersionIds(
      services.map((service) => service.id),
      todayInVietnam(),
    );
    const ids = [...current.values()].map((entry) => entry.id);
    if (ids.length === 0) return [];
    const versions = await this.versions.find({
      where: { id: In(ids) },
      select: { id: true, serviceId: true, version: true, effectiveFrom: true, metadata: true },
    });
    const byService = new Map(services.map((service) => [service.id, service]));
    const query = filter.q ? foldVietnamese(filter.q.trim()) : '';
    return versions
      .map((version) => this.entry(byService.get(version.serviceId)!, version))
      .filter((entry) => {
        if (filter.level && entry.level !== filter.level) return false;
        if (filter.onlineLevel && entry.onlineLevel !== filter.onlineLevel) return false;
        if (
          filter.agency &&
          entry.competentAgencyRole !== filter.agency &&
          !entry.participatingAgencies.some((agency) => agency.agencyRole === filter.agency)
        ) {
          return false;
        }
        if (query) {
          const haystack = foldVietnamese(
            [entry.code, entry.names.vi, entry.names.en, entry.sector.vi, entry.sector.en].join(' '),
          );
          if (!query.split(/\s+/).every((word) => haystack.includes(word))) return false;
        }
        return true;
      })
      .sort((a, b) => a.names.vi.localeCompare(b.names.vi, 'vi'));
  }

  /** Reads and checks the catalogue's query parameters (400 listing every bad one). */
  static catalogueFilter(query: Record<string, unknown>): CatalogueFilter {
    const problems: { field: string; message: string }[] = [];
    const text = (name: string): string | undefined => {
      const value = query[name];
      if (value === undefined || value === '') return undefined;
      if (typeof value !== 'string') {
        problems.push({ field: name, message: 'Chỉ được dùng một lần / Must be given once' });
        return undefined;
      }
      return value;
    };
    const filter: CatalogueFilter = {};
    const level = text('level');
    if (level !== undefined) {
      if (LEVELS.includes(level)) filter.level = level;
      else problems.push({ field: 'level', message: `Phải là một trong / Must be one of: ${LEVELS.join(', ')}` });
    }
    const onlineLevel = text('onlineLevel');
    if (onlineLevel !== undefined) {
      if (ONLINE_LEVELS.includes(onlineLevel)) filter.onlineLevel = onlineLevel;
      else {
        problems.push({
          field: 'onlineLevel',
          message: `Phải là một trong / Must be one of: ${ONLINE_LEVELS.join(', ')}`,
        });
      }
    }
    const agency = text('agency');
    if (agency !== undefined) filter.agency = agency;
    const q = text('q');
    if (q !== undefined) {
      if (q.length > 200) problems.push({ field: 'q', message: 'Tối đa 200 ký tự / At most 200 characters' });
      else filter.q = q;
    }
    if (problems.length > 0) throw DomainError.validation(problems);
    return filter;
  }

  /** An active service's version in force today, with its submission form (404 otherwise). */
  async catalogueDetail(code: string): Promise<CatalogueDetail> {
    const service = await this.services.findOne({ where: { code, active: true } });
    if (!service) throw serviceNotFound(code);
    const version = await this.currentOf(service.id);
    if (!version) {
      throw new DomainError(
        'NOT_FOUND',
        `Dịch vụ '${code}' chưa có phiên bản có hiệu lực`,
        `Service '${code}' has no version in force yet`,
      );
    }
    return {
      ...this.entry(service, version),
      legalBasis: version.metadata.legalBasis,
      metadata: version.metadata,
      submissionForm: version.submissionForm,
    };
  }

  private entry(
    service: Service,
    version: Pick<ServiceVersion, 'version' | 'effectiveFrom' | 'metadata'>,
  ): CatalogueEntry {
    const metadata = version.metadata;
    return {
      code: service.code,
      slug: metadata.slug,
      version: version.version,
      effectiveFrom: version.effectiveFrom,
      names: metadata.names,
      descriptions: metadata.descriptions,
      sector: metadata.sector,
      level: metadata.level,
      competentAgencyRole: metadata.competentAgencyRole,
      participatingAgencies: metadata.participatingAgencies.map((agency) => ({
        role: agency.role,
        names: agency.names,
        ...(agency.agencyRole ? { agencyRole: agency.agencyRole } : {}),
      })),
      onlineLevel: metadata.onlineLevel,
      legalDuration: metadata.legalDuration,
      fees: metadata.fees,
      requiredDocuments: metadata.requiredDocuments,
      resultDocument: metadata.resultDocument,
    };
  }

  // --- administration -----------------------------------------------------------------------------

  /** Every service, active or not, by code. */
  async listServices(): Promise<ServiceSummary[]> {
    const services = await this.services.find({ order: { code: 'ASC' } });
    const current = await this.currentVersionIds(
      services.map((service) => service.id),
      todayInVietnam(),
    );
    return services.map((service) => this.serviceSummary(service, current.get(service.id)?.version ?? null));
  }

  async getService(code: string): Promise<ServiceSummary & { versions: VersionSummary[] }> {
    const service = await this.services.findOne({ where: { code } });
    if (!service) throw serviceNotFound(code);
    const versions = await this.listVersions(code);
    const current = versions.find((version) => version.current);
    return { ...this.serviceSummary(service, current?.version ?? null), versions };
  }

  /** Every version of a service, newest first, without documents. */
  async listVersions(code: string): Promise<VersionSummary[]> {
    const service = await this.services.findOne({ where: { code } });
    if (!service) throw serviceNotFound(code);
    const rows = await this.versions.find({
      where: { serviceId: service.id },
      order: { version: 'DESC' },
      select: {
        id: true,
        version: true,
        effectiveFrom: true,
        bpmnProcessId: true,
        processDefinitionKey: true,
        processVersion: true,
        checksum: true,
        publishedAt: true,
        publishedByUsername: true,
      },
    });
    const today = todayInVietnam();
    const current = rows.find((row) => row.effectiveFrom <= today);
    return rows.map((row) => this.versionSummary(row, current?.id));
  }

  async getVersion(code: string, number: number): Promise<VersionDetail> {
    const service = await this.services.findOne({ where: { code } });
    if (!service) throw serviceNotFound(code);
    const version = await this.versions.findOne({ where: { serviceId: service.id, version: number } });
    if (!version) throw DomainError.notFound('phiên bản', 'version', `${code} v${number}`);
    const current = await this.currentOf(service.id);
    return {
      ...this.versionSummary(version, current?.id),
      bpmnXml: version.bpmnXml,
      metadata: version.metadata,
      forms: { submission: version.submissionForm, tasks: version.taskForms },
    };
  }

  /** Takes a service out of the catalogue (no new dossiers) or back in. Running dossiers are not touched. */
  async setActive(code: string, active: boolean, actor: AuditActor, ip?: string | null): Promise<ServiceSummary> {
    return inTransaction(this.dataSource, async (manager) => {
      const services = manager.getRepository(Service);
      const service = await services.findOne({ where: { code } });
      if (!service) throw serviceNotFound(code);
      if (service.active !== active) {
        service.active = active;
        service.updatedAt = new Date();
        await services.save(service);
        await this.audit.record(
          {
            actor,
            action: active ? 'service.activate' : 'service.deactivate',
            entity: 'service',
            entityId: service.id,
            data: { code },
            ip: ip ?? null,
          },
          manager,
        );
      }
      const current = await this.currentOf(service.id, todayInVietnam(), manager);
      return this.serviceSummary(service, current?.version ?? null);
    });
  }

  // --- the port dossiers use ----------------------------------------------------------------------

  /** The version of an active service in force at `at` (its date in Asia/Ho_Chi_Minh); null if none. */
  async currentVersion(serviceCode: string, at: Date): Promise<DossierServiceVersion | null> {
    const service = await this.services.findOne({ where: { code: serviceCode, active: true } });
    if (!service) return null;
    const version = await this.currentOf(service.id, todayInVietnam(at));
    return version ? this.dossierVersion(service.code, version) : null;
  }

  versionById(id: string): Promise<DossierServiceVersion | null> {
    let version = this.versionsById.get(id);
    if (!version) {
      version = this.readVersion(id);
      this.versionsById.set(id, version);
      version.then(
        (found) => {
          if (!found) this.versionsById.delete(id);
        },
        () => this.versionsById.delete(id),
      );
    }
    return version;
  }

  private async readVersion(id: string): Promise<DossierServiceVersion | null> {
    const version = await this.versions.findOne({ where: { id } });
    if (!version) return null;
    const service = await this.services.findOne({ where: { id: version.serviceId }, select: { id: true, code: true } });
    // Frozen: every caller shares this object, so a mutation would be a bug that throws rather than spreads.
    return service ? deepFreeze(this.dossierVersion(service.code, version)) : null;
  }

  private dossierVersion(serviceCode: string, version: ServiceVersion): DossierServiceVersion {
    return {
      id: version.id,
      serviceCode,
      bpmnProcessId: version.bpmnProcessId,
      processDefinitionKey: version.processDefinitionKey,
      processVersion: version.processVersion,
      metadata: version.metadata,
      submissionSchema: version.submissionForm,
      taskForms: version.taskForms,
    };
  }

  // --- views --------------------------------------------------------------------------------------

  private serviceSummary(service: Service, currentVersion: number | null): ServiceSummary {
    return {
      id: service.id,
      code: service.code,
      slug: service.slug,
      names: { vi: service.nameVi, en: service.nameEn },
      level: service.level,
      competentAgencyRole: service.competentAgencyRole,
      onlineLevel: service.onlineLevel,
      active: service.active,
      latestVersion: service.latestVersion,
      currentVersion,
      createdAt: new Date(service.createdAt).toISOString(),
      updatedAt: new Date(service.updatedAt).toISOString(),
    };
  }

  private versionSummary(version: ServiceVersion, currentId: string | undefined): VersionSummary {
    return {
      id: version.id,
      version: version.version,
      effectiveFrom: version.effectiveFrom,
      current: version.id === currentId,
      bpmnProcessId: version.bpmnProcessId,
      processDefinitionKey: version.processDefinitionKey,
      processVersion: version.processVersion,
      checksum: version.checksum,
      publishedAt: new Date(version.publishedAt).toISOString(),
      publishedBy: version.publishedByUsername ?? null,
    };
  }
}
