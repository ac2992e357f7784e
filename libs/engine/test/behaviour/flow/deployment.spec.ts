import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { TestEngine } from '../../support/test-engine.ts';
import { startTestEngine } from '../../support/test-engine.ts';
import { Status, activateOne, grpcErrorOf, rawGatewayOf } from './flow-support.ts';

interface DeployedProcess {
  bpmnProcessId: string;
  version: number;
  processDefinitionKey: string;
  resourceName: string;
}

const processOf = (deployment: { deployments: unknown[] }, index = 0): DeployedProcess =>
  (deployment.deployments[index] as { process: DeployedProcess }).process;

/** The fixture with its process name changed: same process id and resource name, different content. */
async function changed(file: string, revision: string): Promise<Buffer> {
  const xml = await readFile(join(import.meta.dirname, file), 'utf8');
  const result = xml.replace(/(<bpmn:process id="[^"]+" name=")([^"]+)"/, `$1$2 (${revision})"`);
  expect(result).not.to.equal(xml);
  return Buffer.from(result);
}

describe('DeployResource', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  it('returns the existing version and key when the same content is deployed again', async () => {
    // given
    const first = processOf(await zeebe.deploy(import.meta.dirname, 'deployment-versioning.bpmn'));

    // when
    const again = processOf(await zeebe.deploy(import.meta.dirname, 'deployment-versioning.bpmn'));

    // then
    expect(first).to.include({
      bpmnProcessId: 'deployment-versioning',
      version: 1,
      resourceName: 'deployment-versioning.bpmn',
    });
    expect(again).to.include({ version: 1, processDefinitionKey: first.processDefinitionKey });
  });

  it('creates the next version when the content changed', async () => {
    // given
    const first = processOf(await zeebe.deploy(import.meta.dirname, 'deployment-versioning.bpmn'));

    // when
    const second = processOf(
      await zeebe.client.deployResource({
        process: await changed('deployment-versioning.bpmn', 'rev. 2'),
        name: 'deployment-versioning.bpmn',
      }),
    );

    // then
    expect(second).to.include({ bpmnProcessId: 'deployment-versioning', version: 2 });
    expect(second.processDefinitionKey).not.to.equal(first.processDefinitionKey);
  });

  it('rejects malformed XML with INVALID_ARGUMENT naming the resource', async () => {
    // when
    const error = await grpcErrorOf(zeebe.deploy(import.meta.dirname, 'invalid/malformed-xml.bpmn'));

    // then
    expect(error.code).to.equal(Status.INVALID_ARGUMENT);
    expect(error.details).to.contain("'malformed-xml.bpmn'");
  });

  it('rejects a service task without a job type with INVALID_ARGUMENT naming the element', async () => {
    // when
    const error = await grpcErrorOf(zeebe.deploy(import.meta.dirname, 'invalid/service-task-without-type.bpmn'));

    // then
    expect(error.code).to.equal(Status.INVALID_ARGUMENT);
    expect(error.details).to.contain("'service-task-without-type.bpmn'");
    expect(error.details).to.contain('untyped-task');
  });

  it('rejects an exclusive gateway branch that has no condition and is not the default flow, naming the flow', async () => {
    // when
    const error = await grpcErrorOf(
      zeebe.deploy(import.meta.dirname, 'invalid/exclusive-gateway-unconditioned-flow.bpmn'),
    );

    // then
    expect(error.code).to.equal(Status.INVALID_ARGUMENT);
    expect(error.details).to.contain('to-anything-else');
    expect(error.details).to.contain('Must have a condition or be default flow');
  });

  it('deploys nothing when one resource of the deployment is invalid', async () => {
    // when
    const error = await grpcErrorOf(
      zeebe.deploy(import.meta.dirname, 'deployment-all-or-nothing.bpmn', 'invalid/service-task-without-type.bpmn'),
    );

    // then: the valid resource was not deployed either
    expect(error.code).to.equal(Status.INVALID_ARGUMENT);
    const creation = await grpcErrorOf(
      zeebe.client.createProcessInstance({ bpmnProcessId: 'deployment-all-or-nothing', variables: {} }),
    );
    expect(creation.code).to.equal(Status.NOT_FOUND);

    // and deploying it alone afterwards gives version 1
    expect(processOf(await zeebe.deploy(import.meta.dirname, 'deployment-all-or-nothing.bpmn')).version).to.equal(1);
  });

  for (const file of ['fee-table.dmn', 'application-form.form']) {
    it(`rejects a ${file.split('.').pop()} resource (not supported yet) with INVALID_ARGUMENT naming it, deploying nothing`, async () => {
      // when
      const error = await grpcErrorOf(
        zeebe.deploy(import.meta.dirname, 'deployment-all-or-nothing.bpmn', `invalid/${file}`),
      );

      // then
      expect(error.code).to.equal(Status.INVALID_ARGUMENT);
      expect(error.details).to.contain(file);
      const creation = await grpcErrorOf(
        zeebe.client.createProcessInstance({ bpmnProcessId: 'deployment-all-or-nothing', variables: {} }),
      );
      expect(creation.code).to.equal(Status.NOT_FOUND);
    });
  }
});

describe('DeleteResource', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  async function twoVersions(): Promise<[DeployedProcess, DeployedProcess]> {
    const first = processOf(await zeebe.deploy(import.meta.dirname, 'resource-deletion.bpmn'));
    const second = processOf(
      await zeebe.client.deployResource({
        process: await changed('resource-deletion.bpmn', 'rev. 2'),
        name: 'resource-deletion.bpmn',
      }),
    );
    expect(second.version).to.equal(2);
    return [first, second];
  }

  it('deletes a process definition without running instances: it cannot be started any more and the previous version is the latest again', async () => {
    // given
    const [first, second] = await twoVersions();
    const gateway = await rawGatewayOf(zeebe.client);

    // when
    await zeebe.client.deleteResource({ resourceKey: second.processDefinitionKey });

    // then
    const byKey = await grpcErrorOf(
      gateway.createProcessInstanceSync({ processDefinitionKey: second.processDefinitionKey, variables: '{}' }),
    );
    expect(byKey.code).to.equal(Status.NOT_FOUND);
    const byVersion = await grpcErrorOf(
      zeebe.client.createProcessInstance({ bpmnProcessId: 'resource-deletion', version: 2, variables: {} }),
    );
    expect(byVersion.code).to.equal(Status.NOT_FOUND);
    const latest = await zeebe.client.createProcessInstance({ bpmnProcessId: 'resource-deletion', variables: {} });
    expect(latest).to.include({ version: 1, processDefinitionKey: first.processDefinitionKey });
  });

  it('never reuses a deleted version number', async () => {
    // given
    const [, second] = await twoVersions();
    await zeebe.client.deleteResource({ resourceKey: second.processDefinitionKey });

    // when: new content is deployed after the deletion
    const third = processOf(
      await zeebe.client.deployResource({
        process: await changed('resource-deletion.bpmn', 'rev. 3'),
        name: 'resource-deletion.bpmn',
      }),
    );

    // then
    expect(third.version).to.equal(3);
  });

  it('is rejected with FAILED_PRECONDITION while the definition has running instances, and works once they ended', async () => {
    // given
    const [first] = await twoVersions();
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'resource-deletion',
      version: 1,
      variables: {},
    });

    // when
    const error = await grpcErrorOf(zeebe.client.deleteResource({ resourceKey: first.processDefinitionKey }));

    // then: Zeebe 8.5 rejects with INVALID_STATE, which its gateway answers as FAILED_PRECONDITION
    expect(error.code).to.equal(Status.FAILED_PRECONDITION);
    expect(error.details).to.contain(
      `Expected to delete resource with key \`${first.processDefinitionKey}\` but there are still running instances`,
    );
    const job = await activateOne(zeebe, 'receive-dossier');
    expect(job.processInstanceKey).to.equal(instance.processInstanceKey);

    // when the instance is gone
    await zeebe.client.cancelProcessInstance(instance.processInstanceKey);
    await zeebe.client.deleteResource({ resourceKey: first.processDefinitionKey });

    // then
    const creation = await grpcErrorOf(
      zeebe.client.createProcessInstance({ bpmnProcessId: 'resource-deletion', version: 1, variables: {} }),
    );
    expect(creation.code).to.equal(Status.NOT_FOUND);
  });

  it('is rejected with NOT_FOUND for an unknown or already deleted resource', async () => {
    // given
    const [, second] = await twoVersions();
    await zeebe.client.deleteResource({ resourceKey: second.processDefinitionKey });

    // when
    const again = await grpcErrorOf(zeebe.client.deleteResource({ resourceKey: second.processDefinitionKey }));
    const unknown = await grpcErrorOf(zeebe.client.deleteResource({ resourceKey: '2251799813699999' }));

    // then
    expect(again.code).to.equal(Status.NOT_FOUND);
    expect(unknown.code).to.equal(Status.NOT_FOUND);
  });
});
