import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import type { DataSource } from 'typeorm';
import { openTestDatabase, testDatabases } from '../../test/support/databases.ts';
import { Agency } from '../agencies/agency.entity.ts';
import { AuditEntry } from '../audit/audit-entry.entity.ts';
import { AuditService } from '../audit/audit.service.ts';
import { CatalogueService } from '../catalogue/catalogue.service.ts';
import { readReferenceBundle } from '../catalogue/reference-bundles.ts';
import { ServiceVersion } from '../catalogue/service-version.entity.ts';
import { Service } from '../catalogue/service.entity.ts';
import { loadConfig } from '../config/config.ts';
import type { MotcuaConfig } from '../config/config.ts';
import { Notification } from '../notifications/notification.entity.ts';
import { Group } from '../users/group.entity.ts';
import { User } from '../users/user.entity.ts';
import { UsersService } from '../users/users.service.ts';
import { CalendarSource } from './calendar-source.ts';
import { DossierEvent } from './dossier-event.entity.ts';
import { DossierLifecycleService } from './dossier-lifecycle.service.ts';
import { DossierPause } from './dossier-pause.entity.ts';
import { DossierStatus } from './dossier-status.ts';
import { Dossier } from './dossier.entity.ts';
import { partialEntity } from './partial-entity.ts';
import { openAttachmentStorage } from './storage-backends.ts';

const COMMUNE = '000.00.12.H10';

/** The life-cycle steps on a real database, with the catalogue's real service holding a stored reference version. */
async function givenADossier(dataSource: DataSource, dataDir: string) {
  const agencyId = randomUUID();
  await dataSource.getRepository(Agency).insert({
    id: agencyId,
    code: COMMUNE,
    nameVi: 'Ủy ban nhân dân Phường Kinh Bắc',
    nameEn: 'Kinh Bac Ward People’s Committee',
    level: 'commune',
    parentId: null,
    role: 'commune-people-committee',
    jurisdictionId: null,
    legalAuthority: '',
    effectiveFrom: '2025-07-01',
    effectiveTo: null,
  });
  const group = { id: randomUUID(), code: `leader@${COMMUNE}`, nameVi: 'Lãnh đạo', nameEn: 'Leaders', agencyId };
  await dataSource.getRepository(Group).insert(group);
  const leader = dataSource.getRepository(User).create({
    id: randomUUID(),
    username: 'leader',
    passwordHash: 'x',
    fullName: 'Lê Quang Hùng',
    email: 'leader@motcua.local',
    phone: null,
    roles: ['leader'],
    agencyId,
    active: true,
    groups: [group as Group],
  });
  await dataSource.getRepository(User).save(leader);
  const { bundle } = readReferenceBundle('household-business-registration');
  const serviceId = randomUUID();
  const now = new Date();
  await dataSource.getRepository(Service).insert({
    id: serviceId,
    code: bundle.metadata.code,
    slug: bundle.metadata.slug,
    nameVi: bundle.metadata.names.vi,
    nameEn: bundle.metadata.names.en,
    level: bundle.metadata.level,
    competentAgencyRole: bundle.metadata.competentAgencyRole,
    onlineLevel: bundle.metadata.onlineLevel,
    latestVersion: 1,
    active: true,
    createdAt: now,
    updatedAt: now,
  });
  const versionId = randomUUID();
  await dataSource.getRepository(ServiceVersion).insert(
    partialEntity<ServiceVersion>({
      id: versionId,
      serviceId,
      version: 1,
      bpmnProcessId: bundle.metadata.bpmnProcessId,
      processDefinitionKey: '2251799813685249',
      processVersion: 1,
      bpmnXml: bundle.bpmn,
      metadata: bundle.metadata,
      submissionForm: bundle.forms.submission,
      taskForms: bundle.forms.tasks,
      effectiveFrom: '2025-07-01',
      publishedAt: now,
      publishedById: null,
      publishedByUsername: null,
      checksum: 'test',
    }),
  );
  const dossierId = randomUUID();
  await dataSource.getRepository(Dossier).insert(
    partialEntity<Dossier>({
      id: dossierId,
      code: null,
      serviceVersionId: versionId,
      serviceCode: bundle.metadata.code,
      applicantUserId: null,
      submittedByUserId: randomUUID(),
      applicant: { name: 'Nguyễn Văn An', phone: '0912345678', email: 'an.nguyen@example.com' },
      formData: {},
      channel: 'online',
      status: DossierStatus.New,
      agencyId,
      receivingAgencyId: agencyId,
      processVariables: {},
      processInstanceKey: null,
      submittedAt: new Date('2026-01-07T17:30:00Z'), // 00:30 on 8 January in Hà Nội
    }),
  );
  return { lifecycle: await lifecycleFor(dataSource, loadConfig({ MOTCUA_DATA_DIR: dataDir })), dossierId };
}

async function lifecycleFor(dataSource: DataSource, config: MotcuaConfig): Promise<DossierLifecycleService> {
  const catalogue = new CatalogueService(
    dataSource.getRepository(Service),
    dataSource.getRepository(ServiceVersion),
    dataSource,
    undefined as unknown as ZeebeGrpcClient, // only publishing deploys; reading versions needs no engine
    new AuditService(dataSource.getRepository(AuditEntry)),
  );
  return new DossierLifecycleService(
    dataSource,
    catalogue,
    new CalendarSource(),
    new UsersService(dataSource.getRepository(User), dataSource.getRepository(Group), dataSource.getRepository(Agency)),
    await openAttachmentStorage(config.files),
    config,
  );
}

for (const { name, database, cleanup } of testDatabases()) {
  describe(`the dossier life-cycle steps on ${name} (jobs arrive at least once)`, function () {
    this.timeout(60_000);
    let dataSource: DataSource;
    let drop: () => Promise<void>;
    let dataDir: string;
    let lifecycle: DossierLifecycleService;
    let dossierId: string;
    beforeEach(async () => {
      ({ dataSource, drop } = await openTestDatabase(database()));
      dataDir = mkdtempSync(join(tmpdir(), 'motcua-lifecycle-'));
      ({ lifecycle, dossierId } = await givenADossier(dataSource, dataDir));
    });
    afterEach(async () => {
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    });
    after(cleanup);

    const events = (type: string) => dataSource.getRepository(DossierEvent).find({ where: { dossierId, type } });
    const notifications = () => dataSource.getRepository(Notification).find({ where: { dossierId } });
    const dossier = () => dataSource.getRepository(Dossier).findOneByOrFail({ id: dossierId });

    it('issues one code however often intake runs, even at once, dated by the Vietnamese day of entry', async () => {
      const results = await Promise.all([1, 2, 3].map(() => lifecycle.issueCode(dossierId, '2251799813685300')));
      expect(results).to.deep.equal(Array(3).fill({ dossierCode: `${COMMUNE}-260108-0001` }));
      expect(await events('code-issued')).to.have.length(1);
      expect(await notifications()).to.have.length(1);
      expect((await dossier()).processInstanceKey).to.equal('2251799813685300');
    });

    it('writes the code by the configured pattern', async () => {
      const config = loadConfig({
        MOTCUA_DATA_DIR: dataDir,
        MOTCUA_DOSSIER_CODE_PATTERN: 'HS.{YYYY}{MM}{DD}.{agency}.{NNNNNN}',
      });
      const patterned = await lifecycleFor(dataSource, config);
      expect(await patterned.issueCode(dossierId, '2251799813685300')).to.deep.equal({
        dossierCode: `HS.20260108.${COMMUNE}.000001`,
      });
    });

    it('tells a second process instance of the dossier to cancel itself, and an instance of a withdrawn dossier', async () => {
      await lifecycle.issueCode(dossierId, '2251799813685300');
      expect(await lifecycle.issueCode(dossierId, '2251799813685999')).to.deep.equal({ cancel: 'duplicate' });
      await dataSource.getRepository(Dossier).update({ id: dossierId }, { status: DossierStatus.Withdrawn });
      expect(await lifecycle.issueCode(dossierId, '2251799813685300')).to.deep.equal({ cancel: 'withdrawn' });
    });

    it('accepts once: a repeated job gets the stored receipt and due date, never recomputed', async () => {
      const first = await lifecycle.accept(dossierId, undefined, new Date('2026-01-08T02:00:00Z')); // Thu 09:00
      const again = await lifecycle.accept(dossierId, undefined, new Date('2026-01-12T02:00:00Z'));
      expect(again).to.deep.equal(first);
      // 3 working days from Thursday 8 January: Fri 9, Mon 12, Tue 13 → due Tuesday 17:00
      expect(first).to.deep.equal({ receivedAt: '2026-01-08T09:00:00+07:00', dueDate: '2026-01-13T17:00:00+07:00' });
      expect(await events('accepted')).to.have.length(1);
      // form 01's e-mail names the online fee of the household business registration (50,000 VND)
      const [receipt] = (await notifications()).filter((row) => row.subject.startsWith('Tiếp nhận'));
      expect(receipt!.body.vi).to.contain('Phí, lệ phí: 50.000 đồng');
      expect(receipt!.body.en).to.contain('Fees: 50,000 VND');
      expect((await dossier()).status).to.equal(DossierStatus.Received);
    });

    it('opens one pause per supplement request, closes it once, and moves the due date by the paused working time', async () => {
      await lifecycle.accept(dossierId, undefined, new Date('2026-01-08T02:00:00Z'));
      // requested Friday 9 January 10:00, supplemented Monday 12 January 10:00: one working day paused
      await lifecycle.requestSupplement(dossierId, '100', 'Bổ sung biên bản', new Date('2026-01-09T03:00:00Z'));
      await lifecycle.requestSupplement(dossierId, '100', 'Bổ sung biên bản', new Date('2026-01-09T04:00:00Z'));
      expect(await dataSource.getRepository(DossierPause).count({ where: { dossierId } })).to.equal(1);
      expect(await dossier()).to.include({ status: DossierStatus.SupplementRequested, supplementCount: 1 });

      const first = await lifecycle.recordSupplement(dossierId, '200', new Date('2026-01-12T03:00:00Z'));
      const again = await lifecycle.recordSupplement(dossierId, '200', new Date('2026-01-13T03:00:00Z'));
      expect(again).to.deep.equal(first);
      expect(first).to.deep.equal({
        supplementedAt: '2026-01-12T10:00:00+07:00',
        dueDate: '2026-01-14T17:00:00+07:00',
      });
      expect(await dossier()).to.include({ status: DossierStatus.Processing, supplementState: null });
      expect(await events('supplement-received')).to.have.length(1);
    });

    it('flags overdue once per due date and notifies the leaders once', async () => {
      await lifecycle.flagOverdue(dossierId, COMMUNE, undefined, '2026-01-13T17:00:00+07:00');
      await lifecycle.flagOverdue(dossierId, COMMUNE, undefined, '2026-01-13T17:00:00+07:00');
      expect(await events('overdue')).to.have.length(1);
      expect((await notifications()).map((row) => row.recipient)).to.deep.equal(['leader@motcua.local']);
      expect((await dossier()).overdue).to.equal(true);
    });

    it('asks for a payment once per element instance and records it once; the clock keeps running', async () => {
      await lifecycle.accept(dossierId, undefined, new Date('2026-01-08T02:00:00Z'));
      const asked = await lifecycle.requireFinancialObligation(dossierId, '300', {}, new Date('2026-01-09T03:00:00Z'));
      const again = await lifecycle.requireFinancialObligation(dossierId, '300', {}, new Date('2026-01-09T04:00:00Z'));
      expect(again).to.deep.equal(asked).and.to.deep.equal({ financialObligationAt: '2026-01-09T10:00:00+07:00' });
      expect(await dossier()).to.include({ status: DossierStatus.FinancialObligation });
      expect(await events('financial-obligation')).to.have.length(1);
      // without an amount in the diagram: the service's static fees of the channel (50,000 VND online)
      const payment = (await notifications()).filter((row) => row.subject.startsWith('Thực hiện nghĩa vụ tài chính'));
      expect(payment).to.have.length(1);
      expect(payment[0]!.body.vi).to.contain('50.000 đồng');
      expect(payment[0]!.body.en).to.contain('50,000 VND');
      expect(await dataSource.getRepository(DossierPause).count({ where: { dossierId } })).to.equal(0);

      const met = await lifecycle.recordFinancialObligationMet(dossierId, '400', 'BL-01');
      expect(await lifecycle.recordFinancialObligationMet(dossierId, '400', 'BL-01')).to.deep.equal(met);
      expect(await dossier()).to.include({ status: DossierStatus.Processing });
      expect(await events('financial-obligation-met')).to.have.length(1);
      // the due date is the one of acceptance: no pause
      expect((await dossier()).dueAt?.toISOString()).to.equal('2026-01-13T10:00:00.000Z');
    });

    it('stops once, for good: status 8, one e-mail with the reason, and a later step changes nothing', async () => {
      const stopped = await lifecycle.stop(dossierId, 'Người nộp đề nghị dừng giải quyết');
      expect(await lifecycle.stop(dossierId, 'Người nộp đề nghị dừng giải quyết')).to.deep.equal(stopped);
      expect(await events('stopped')).to.have.length(1);
      expect(await dossier()).to.include({ status: DossierStatus.Stopped });
      expect((await dossier()).finishedAt).to.be.instanceOf(Date);
      const mails = (await notifications()).filter((row) => row.subject.startsWith('Dừng giải quyết'));
      expect(mails).to.have.length(1);
      expect(mails[0]!.body.vi).to.contain('Lý do: Người nộp đề nghị dừng giải quyết');
      await lifecycle.requireFinancialObligation(dossierId, '500', { obligation: 10_000 });
      expect((await dossier()).status).to.equal(DossierStatus.Stopped);
    });

    it('refuses and returns once each', async () => {
      const refused = await lifecycle.refuse(dossierId, 'Không đủ điều kiện');
      expect(await lifecycle.refuse(dossierId, 'Không đủ điều kiện')).to.deep.equal(refused);
      expect(await events('refused')).to.have.length(1);
      expect((await dossier()).status).to.equal(DossierStatus.NotReceived);
      // a final status stays: returning a refused dossier changes nothing
      await lifecycle.returnResult(dossierId);
      expect((await dossier()).status).to.equal(DossierStatus.NotReceived);
    });
  });
}
