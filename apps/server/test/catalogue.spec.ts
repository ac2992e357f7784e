import { Camunda8 } from '@camunda8/sdk';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { expect } from 'chai';
import type { Bundle } from '../src/catalogue/bundle.ts';
import { minimalBundle } from '../src/catalogue/fixtures/minimal-bundle.ts';
import { readReferenceBundle, referenceBundleSlugs } from '../src/catalogue/reference-bundles.ts';
import { startTestServer, testServerDatabases } from './support/test-server.ts';
import type { TestServer } from './support/test-server.ts';

interface Problem {
  path: string;
  elementId?: string;
  message: string;
  rule: string;
}

/** The reference bundles as processes/ and forms/ hold them, by service code. */
const REFERENCE = new Map(
  referenceBundleSlugs().map((slug) => {
    const { bundle } = readReferenceBundle(slug);
    return [bundle.metadata.code, bundle];
  }),
);

// Invalid bundles over HTTP, each with its own code and process id, so "nothing stored, nothing deployed" is checked
// on names no other test uses. (The validator's own spec covers every case; these check the HTTP contract.)
const INVALID_CASES: {
  title: string;
  bundle: (code: string, processId: string) => Bundle;
  expected: Partial<Problem>[];
}[] = [
  {
    title: 'a service task type no worker handles',
    bundle: (code, processId) => {
      const bundle = minimalBundle({ code, processId });
      return { ...bundle, bpmn: bundle.bpmn.replace('type="motcua.return"', 'type="motcua.send-sms"') };
    },
    expected: [{ path: '/bpmn', elementId: 'return-result', rule: 'motcua' }],
  },
  {
    title: 'a user task whose formKey has no form',
    bundle: (code, processId) => {
      const bundle = minimalBundle({ code, processId });
      return { ...bundle, forms: { submission: bundle.forms.submission, tasks: {} } };
    },
    expected: [{ path: '/bpmn', elementId: 'desk-receipt', rule: 'motcua' }],
  },
  {
    title: 'an invalid JSON Schema',
    bundle: (code, processId) => {
      const bundle = minimalBundle({ code, processId });
      bundle.forms.tasks['desk-receipt'] = { type: 'object', properties: { decision: { type: 'choice' } } };
      return bundle;
    },
    expected: [{ path: '/forms/tasks/desk-receipt/properties/decision/type', rule: 'json-schema' }],
  },
  {
    title: 'missing metadata fields',
    bundle: (code, processId) => {
      const bundle = minimalBundle({ code, processId });
      const { fees: _fees, requiredDocuments: _documents, ...metadata } = bundle.metadata;
      return { ...bundle, metadata: metadata as Bundle['metadata'] };
    },
    expected: [
      { path: '/metadata/fees', rule: 'metadata-schema' },
      { path: '/metadata/requiredDocuments', rule: 'metadata-schema' },
    ],
  },
  {
    title: 'a BPMN that fails camunda-compat 8.5',
    bundle: (code, processId) => {
      const bundle = minimalBundle({ code, processId });
      return { ...bundle, bpmn: bundle.bpmn.replace('<zeebe:taskDefinition type="motcua.sign" />', '') };
    },
    expected: [
      { path: '/bpmn', elementId: 'sign', rule: 'bpmnlint:camunda-compat/implementation' },
      { path: '/bpmn', elementId: 'sign', rule: 'bpmn-parse' },
    ],
  },
];

function zeebeClient(server: TestServer): ZeebeGrpcClient {
  return new Camunda8({
    ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${server.server.enginePort}`,
    CAMUNDA_AUTH_STRATEGY: 'NONE',
    ZEEBE_CLIENT_LOG_LEVEL: 'NONE',
  } as never).getZeebeGrpcApiClient();
}

/** Whether the engine knows a process with this id (an instance of its latest version can be created). */
async function isDeployed(zeebe: ZeebeGrpcClient, bpmnProcessId: string): Promise<boolean> {
  return zeebe.createProcessInstance({ bpmnProcessId, variables: {} }).then(
    () => true,
    (error: { code?: number }) => {
      if (error.code === 5) return false; // NOT_FOUND
      throw error;
    },
  );
}

function tomorrowInVietnam(): string {
  return new Date(Date.now() + 7 * 3600_000 + 24 * 3600_000).toISOString().slice(0, 10);
}

for (const { name, env } of testServerDatabases()) {
  describe(`publishing and the service catalogue over HTTP on ${name}`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let zeebe: ZeebeGrpcClient;
    let admin: string;
    let designer: string;
    let citizen: string;
    before(async () => {
      server = await startTestServer(env);
      zeebe = zeebeClient(server);
      [admin, designer, citizen] = await Promise.all([
        server.login('admin'),
        server.login('designer'),
        server.login('citizen.an'),
      ]);
    });
    after(async () => {
      await zeebe?.close(1_000);
      await server?.close();
    });

    describe('the reference bundles', () => {
      it('are published at start and listed in the catalogue, each as version 1 of its service', async () => {
        // when
        const response = await server.request('GET', '/api/services');

        // then
        expect(response.status).to.equal(200);
        const services = response.body.services as { code: string; version: number; names: object }[];
        expect(services.map((service) => service.code).sort()).to.deep.equal([...REFERENCE.keys()].sort());
        for (const service of services) {
          const bundle = REFERENCE.get(service.code)!;
          expect(service).to.deep.include({
            version: 1,
            names: bundle.metadata.names,
            level: bundle.metadata.level,
            competentAgencyRole: bundle.metadata.competentAgencyRole,
            onlineLevel: bundle.metadata.onlineLevel,
            legalDuration: bundle.metadata.legalDuration,
            fees: bundle.metadata.fees,
            requiredDocuments: bundle.metadata.requiredDocuments,
          });
        }
        expect(REFERENCE.size).to.be.at.least(4);
      });

      it('are deployed to the engine under their process ids', async () => {
        for (const bundle of REFERENCE.values()) {
          const versions = await server.request('GET', `/api/services/${bundle.metadata.code}/versions`, {
            token: admin,
          });
          expect(versions.status).to.equal(200);
          expect(versions.body.versions).to.have.length(1);
          expect(versions.body.versions[0]).to.deep.include({
            version: 1,
            current: true,
            bpmnProcessId: bundle.metadata.bpmnProcessId,
            publishedBy: null,
          });
          expect(versions.body.versions[0].processDefinitionKey).to.match(/^\d+$/);
        }
      });

      it('are not published twice: the same content again is the same version', async () => {
        // given
        const bundle = REFERENCE.get('1.001612')!;

        // when
        const response = await server.request('POST', '/api/admin/bundles', { token: admin, body: bundle });

        // then
        expect(response.status, JSON.stringify(response.body)).to.equal(200);
        expect(response.body.created).to.equal(false);
        expect(response.body.version.version).to.equal(1);
        expect(response.body.service.latestVersion).to.equal(1);
      });
    });

    describe('the citizens catalogue', () => {
      it('finds a service by words written without diacritics', async () => {
        // when
        const response = await server.request('GET', `/api/services?q=${encodeURIComponent('dang ky ho KINH DOANH')}`);

        // then
        expect(response.status).to.equal(200);
        expect(response.body.services.map((service: { code: string }) => service.code)).to.deep.equal(['1.001612']);
      });

      it('filters by level, online level and agency role', async () => {
        const expected = (predicate: (bundle: Bundle) => boolean): string[] =>
          [...REFERENCE.values()]
            .filter(predicate)
            .map((bundle) => bundle.metadata.code)
            .sort();
        const codes = async (query: string): Promise<string[]> => {
          const response = await server.request('GET', `/api/services?${query}`);
          expect(response.status).to.equal(200);
          return response.body.services.map((service: { code: string }) => service.code).sort();
        };

        expect(await codes('level=commune')).to.deep.equal(expected((bundle) => bundle.metadata.level === 'commune'));
        expect(await codes('onlineLevel=partial')).to.deep.equal(
          expected((bundle) => bundle.metadata.onlineLevel === 'partial'),
        );
        expect(await codes('agency=commune-economic-division')).to.deep.equal(['1.001612']);
        expect(await codes('agency=no-such-agency')).to.deep.equal([]);
      });

      it('refuses a filter it does not know the value of, listing every bad parameter', async () => {
        // when
        const response = await server.request('GET', '/api/services?level=district&onlineLevel=4');

        // then
        expect(response.status).to.equal(400);
        expect(response.body.error).to.equal('VALIDATION_FAILED');
        expect(response.body.details.errors.map((error: { field: string }) => error.field)).to.deep.equal([
          'level',
          'onlineLevel',
        ]);
      });

      it('serves one service with the submission form and metadata of its current version', async () => {
        // given
        const bundle = REFERENCE.get('2.000815')!;

        // when
        const response = await server.request('GET', '/api/services/2.000815');

        // then
        expect(response.status).to.equal(200);
        expect(response.body).to.deep.include({ code: '2.000815', version: 1, names: bundle.metadata.names });
        expect(response.body.submissionForm).to.deep.equal(bundle.forms.submission);
        expect(response.body.metadata).to.deep.equal(bundle.metadata);
        expect(response.body.legalBasis).to.deep.equal(bundle.metadata.legalBasis);
      });

      it('answers 404 for an unknown service', async () => {
        const response = await server.request('GET', '/api/services/9.999999');
        expect(response.status).to.equal(404);
        expect(response.body.error).to.equal('NOT_FOUND');
        expect(response.body.message).to.contain(' / ');
      });

      it('keeps the versions of a service for administrators and designers only', async () => {
        expect((await server.request('GET', '/api/services/1.001612/versions')).status).to.equal(401);
        expect((await server.request('GET', '/api/services/1.001612/versions', { token: citizen })).status).to.equal(
          403,
        );
        expect((await server.request('GET', '/api/services/1.001612/versions', { token: designer })).status).to.equal(
          200,
        );
      });
    });

    describe('an invalid bundle', () => {
      INVALID_CASES.forEach((invalid, index) => {
        it(`with ${invalid.title} is refused with 422 listing its problems; nothing is stored or deployed`, async () => {
          // given
          const code = `MC.BAD.00${index + 1}`;
          const processId = `invalid-bundle-${index + 1}`;

          // when
          const response = await server.request('POST', '/api/admin/bundles', {
            token: admin,
            body: invalid.bundle(code, processId),
          });

          // then
          expect(response.status, JSON.stringify(response.body)).to.equal(422);
          expect(response.body.error).to.equal('BUNDLE_INVALID');
          expect(response.body.message).to.match(/ \/ .*nothing was stored/);
          const details = response.body.details as Problem[];
          for (const expected of invalid.expected) {
            expect(
              details.some((problem) => Object.entries(expected).every(([k, v]) => problem[k as keyof Problem] === v)),
              JSON.stringify({ expected, details }),
            ).to.equal(true);
          }
          expect(details.every((problem) => problem.message.includes(' / '))).to.equal(true);
          expect((await server.request('GET', `/api/admin/services/${code}`, { token: admin })).status).to.equal(404);
          expect(await isDeployed(zeebe, processId)).to.equal(false);
        });
      });

      it('is reported the same way by the validation endpoint, which stores nothing either', async () => {
        // given
        const bundle = INVALID_CASES[0].bundle('MC.BAD.099', 'invalid-bundle-99');

        // when
        const response = await server.request('POST', '/api/admin/bundles/validate', { token: designer, body: bundle });

        // then
        expect(response.status).to.equal(422);
        expect(response.body.details).to.deep.include.members([
          {
            path: '/bpmn',
            elementId: 'return-result',
            rule: 'motcua',
            message: response.body.details.find((problem: Problem) => problem.elementId === 'return-result').message,
          },
        ]);
        expect(await isDeployed(zeebe, 'invalid-bundle-99')).to.equal(false);
      });
    });

    describe('who may publish', () => {
      it('lets a designer validate a bundle but not publish it', async () => {
        const bundle = minimalBundle({ code: 'MC.ROLE.001', processId: 'role-check' });
        const validated = await server.request('POST', '/api/admin/bundles/validate', {
          token: designer,
          body: bundle,
        });
        expect(validated.status).to.equal(200);
        expect(validated.body).to.deep.include({ valid: true, warnings: [] });
        expect(validated.body.checksum).to.match(/^[0-9a-f]{64}$/);

        const published = await server.request('POST', '/api/admin/bundles', { token: designer, body: bundle });
        expect(published.status).to.equal(403);
        expect(await isDeployed(zeebe, 'role-check')).to.equal(false);
      });

      it('refuses a citizen (403) and an anonymous caller (401)', async () => {
        const bundle = minimalBundle({ code: 'MC.ROLE.002', processId: 'role-check-2' });
        expect((await server.request('POST', '/api/admin/bundles', { token: citizen, body: bundle })).status).to.equal(
          403,
        );
        expect(
          (await server.request('POST', '/api/admin/bundles/validate', { token: citizen, body: bundle })).status,
        ).to.equal(403);
        expect((await server.request('POST', '/api/admin/bundles', { body: bundle })).status).to.equal(401);
        expect((await server.request('GET', '/api/admin/services', { token: citizen })).status).to.equal(403);
        expect((await server.request('GET', '/api/admin/services/MC.ROLE.002', { token: admin })).status).to.equal(404);
      });
    });

    describe('a valid new bundle', () => {
      const code = 'MC.NEW.001';
      const processId = 'new-procedure';
      let first: { version: { version: number; processDefinitionKey: string; processVersion: number; id: string } };

      it('is deployed and stored as version 1 of a new service, in force today', async () => {
        // when
        const response = await server.request('POST', '/api/admin/bundles', {
          token: admin,
          body: minimalBundle({ code, processId }),
        });

        // then
        expect(response.status, JSON.stringify(response.body)).to.equal(201);
        first = response.body;
        expect(response.body).to.deep.include({ created: true, warnings: [] });
        expect(response.body.service).to.deep.include({ code, latestVersion: 1, currentVersion: 1, active: true });
        expect(response.body.version).to.deep.include({ version: 1, current: true, bpmnProcessId: processId });
        expect(response.body.version.publishedBy).to.equal('admin');
        // a process instance of exactly the stored definition can be created
        const instance = await zeebe.createProcessInstance({
          bpmnProcessId: processId,
          version: response.body.version.processVersion,
          variables: { agencyCode: '000.00.00.TEST' },
        });
        expect(instance.processDefinitionKey).to.equal(response.body.version.processDefinitionKey);
        const listed = await server.request('GET', '/api/services?q=thu%20nghiem');
        expect(listed.body.services.map((service: { code: string }) => service.code)).to.deep.equal([code]);
        const audit = await server.request(
          'GET',
          `/api/admin/audit?entity=service&entityId=${response.body.service.id}&action=service.publish`,
          { token: admin },
        );
        expect(audit.status).to.equal(200);
        expect(audit.body.entries).to.have.length(1);
        expect(audit.body.entries[0]).to.deep.include({ actorUsername: 'admin' });
        expect(audit.body.entries[0].data).to.deep.include({ code, version: 1 });
      });

      it('republished unchanged is the same version, deployed once', async () => {
        const response = await server.request('POST', '/api/admin/bundles', {
          token: admin,
          body: minimalBundle({ code, processId }),
        });
        expect(response.status).to.equal(200);
        expect(response.body.created).to.equal(false);
        expect(response.body.version.id).to.equal(first.version.id);
      });

      it('republished with a changed BPMN becomes version 2, and version 1 stays as it was', async () => {
        // given
        const changed = minimalBundle({ code, processId });
        changed.bpmn = changed.bpmn.replace('Ký số kết quả / Sign the result', 'Ký số / Sign');

        // when
        const response = await server.request('POST', '/api/admin/bundles', { token: admin, body: changed });

        // then
        expect(response.status, JSON.stringify(response.body)).to.equal(201);
        expect(response.body.version).to.deep.include({ version: 2, current: true });
        expect(response.body.version.processVersion).to.equal(first.version.processVersion + 1);
        expect(response.body.version.processDefinitionKey).not.to.equal(first.version.processDefinitionKey);
        const versions = await server.request('GET', `/api/services/${code}/versions`, { token: admin });
        expect(
          versions.body.versions.map((v: { version: number; current: boolean }) => [v.version, v.current]),
        ).to.deep.equal([
          [2, true],
          [1, false],
        ]);
        const old = await server.request('GET', `/api/admin/services/${code}/versions/1`, { token: admin });
        expect(old.status).to.equal(200);
        expect(old.body.bpmnXml).to.equal(minimalBundle({ code, processId }).bpmn);
        expect(old.body.processDefinitionKey).to.equal(first.version.processDefinitionKey);
        expect(old.body.forms.tasks).to.have.property('desk-receipt');
        // the old definition still runs (dossiers stay on their version)
        const instance = await zeebe.createProcessInstance({
          bpmnProcessId: processId,
          version: first.version.processVersion,
          variables: { agencyCode: '000.00.00.TEST' },
        });
        expect(instance.processDefinitionKey).to.equal(first.version.processDefinitionKey);
      });

      it('with an effective date still to come is stored, while the catalogue stays on the version in force', async () => {
        // given
        const later = { ...minimalBundle({ code, processId }), effectiveFrom: tomorrowInVietnam() };
        later.metadata.names = { vi: 'Thủ tục thử nghiệm (mới)', en: 'Test procedure (new)' };

        // when
        const response = await server.request('POST', '/api/admin/bundles', { token: admin, body: later });

        // then
        expect(response.status, JSON.stringify(response.body)).to.equal(201);
        expect(response.body.version).to.deep.include({
          version: 3,
          current: false,
          effectiveFrom: later.effectiveFrom,
        });
        expect(response.body.service).to.deep.include({ latestVersion: 3, currentVersion: 2 });
        const detail = await server.request('GET', `/api/services/${code}`);
        expect(detail.body).to.deep.include({ version: 2, names: { vi: 'Thủ tục thử nghiệm', en: 'Test procedure' } });
      });

      it('leaves the catalogue when deactivated and comes back when activated', async () => {
        // when
        const deactivated = await server.request('POST', `/api/admin/services/${code}/deactivate`, { token: admin });

        // then
        expect(deactivated.status).to.equal(200);
        expect(deactivated.body.active).to.equal(false);
        expect((await server.request('GET', `/api/services/${code}`)).status).to.equal(404);
        const listed = await server.request('GET', '/api/services');
        expect(listed.body.services.map((service: { code: string }) => service.code)).not.to.include(code);
        const adminView = await server.request('GET', `/api/admin/services/${code}`, { token: admin });
        expect(adminView.body).to.deep.include({ active: false, latestVersion: 3, currentVersion: 2 });
        expect(adminView.body.versions).to.have.length(3);
        expect(
          (await server.request('POST', `/api/admin/services/${code}/deactivate`, { token: designer })).status,
        ).to.equal(403);

        const activated = await server.request('POST', `/api/admin/services/${code}/activate`, { token: admin });
        expect(activated.body.active).to.equal(true);
        expect((await server.request('GET', `/api/services/${code}`)).status).to.equal(200);
        const audit = await server.request('GET', `/api/admin/audit?entity=service&entityId=${activated.body.id}`, {
          token: admin,
        });
        expect(audit.body.entries.map((entry: { action: string }) => entry.action).sort()).to.deep.equal([
          'service.activate',
          'service.deactivate',
          'service.publish',
          'service.publish',
          'service.publish',
        ]);
      });
    });
  });
}
