import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { TestEngine } from '../../support/test-engine.ts';
import { instanceTerminated, startTestEngine } from '../../support/test-engine.ts';
import {
  Status,
  activate,
  activateOne,
  count,
  elementActivated,
  grpcErrorOf,
  of,
  rawGatewayOf,
} from './flow-support.ts';

const FIXTURE = 'process-instance-creation.bpmn';

/** Deploys the fixture with a changed name attribute: same process id, new content, so a new version. */
async function deployChangedVersion(zeebe: TestEngine): Promise<{ processDefinitionKey: string; version: number }> {
  const xml = await readFile(join(import.meta.dirname, FIXTURE), 'utf8');
  const changed = xml.replace(
    'name="Receive, appraise and sign a dossier"',
    'name="Receive, appraise and sign a dossier (2026 revision)"',
  );
  expect(changed).not.to.equal(xml);
  const deployment = await zeebe.client.deployResource({ process: Buffer.from(changed), name: FIXTURE });
  return (deployment.deployments[0] as unknown as { process: { processDefinitionKey: string; version: number } })
    .process;
}

async function deployFirstVersion(zeebe: TestEngine): Promise<{ processDefinitionKey: string; version: number }> {
  const deployment = await zeebe.deploy(import.meta.dirname, FIXTURE);
  return (deployment.deployments[0] as unknown as { process: { processDefinitionKey: string; version: number } })
    .process;
}

describe('CreateProcessInstance', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  it('starts the latest version by bpmnProcessId (version -1) after a redeployment', async () => {
    // given
    await deployFirstVersion(zeebe);
    const second = await deployChangedVersion(zeebe);
    expect(second.version).to.equal(2);

    // when
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'process-instance-creation',
      variables: {},
    });

    // then
    expect(instance).to.include({
      bpmnProcessId: 'process-instance-creation',
      version: 2,
      processDefinitionKey: second.processDefinitionKey,
    });
  });

  it('starts the given version by bpmnProcessId and version', async () => {
    // given
    const first = await deployFirstVersion(zeebe);
    await deployChangedVersion(zeebe);

    // when
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'process-instance-creation',
      version: 1,
      variables: {},
    });

    // then
    expect(instance).to.include({ version: 1, processDefinitionKey: first.processDefinitionKey });
  });

  it('starts the definition given by its key', async () => {
    // given
    const first = await deployFirstVersion(zeebe);
    await deployChangedVersion(zeebe);
    const gateway = await rawGatewayOf(zeebe.client);

    // when: the typed API only takes a bpmnProcessId, so send the key through its gRPC stub
    const instance = await gateway.createProcessInstanceSync({
      processDefinitionKey: first.processDefinitionKey,
      variables: '{"dossier":"HS-8"}',
    });

    // then
    expect(instance).to.include({
      bpmnProcessId: 'process-instance-creation',
      version: 1,
      processDefinitionKey: first.processDefinitionKey,
    });
    const job = await activateOne(zeebe, 'receive-dossier');
    expect(job.processInstanceKey).to.equal(instance.processInstanceKey);
    expect(job.variables).to.deep.equal({ dossier: 'HS-8' });
  });

  it('is rejected with NOT_FOUND for an unknown bpmnProcessId, version or key', async () => {
    // given
    await deployFirstVersion(zeebe);
    const gateway = await rawGatewayOf(zeebe.client);

    // when
    const unknownId = await grpcErrorOf(
      zeebe.client.createProcessInstance({ bpmnProcessId: 'no-such-procedure', variables: {} }),
    );
    const unknownVersion = await grpcErrorOf(
      zeebe.client.createProcessInstance({ bpmnProcessId: 'process-instance-creation', version: 7, variables: {} }),
    );
    const unknownKey = await grpcErrorOf(
      gateway.createProcessInstanceSync({ processDefinitionKey: '2251799813699999', variables: '{}' }),
    );

    // then
    expect(unknownId.code).to.equal(Status.NOT_FOUND);
    expect(unknownId.details).to.contain('no-such-procedure');
    expect(unknownVersion.code).to.equal(Status.NOT_FOUND);
    expect(unknownKey.code).to.equal(Status.NOT_FOUND);
  });

  it('with start instructions starts at the given element instead of the start event', async () => {
    // given
    await deployFirstVersion(zeebe);

    // when
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'process-instance-creation',
      variables: { dossier: 'HS-9' },
      startInstructions: [{ elementId: 'appraise-dossier' }],
    });

    // then
    const job = await activateOne(zeebe, 'appraise-dossier');
    expect(job.processInstanceKey).to.equal(instance.processInstanceKey);
    expect(job.variables).to.deep.equal({ dossier: 'HS-9' });
    expect(await activate(zeebe, 'receive-dossier')).to.have.length(0);
    expect(count(zeebe, elementActivated('start', instance.processInstanceKey))).to.equal(0);
  });
});

describe('CancelProcessInstance', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  it('terminates the instance and cancels its jobs', async () => {
    // given
    await deployFirstVersion(zeebe);
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'process-instance-creation',
      variables: {},
    });
    const job = await activateOne(zeebe, 'receive-dossier');

    // when
    await zeebe.client.cancelProcessInstance(instance.processInstanceKey);

    // then
    expect(count(zeebe, instanceTerminated(instance.processInstanceKey))).to.equal(1);
    expect(count(zeebe, of('JOB', 'CANCELED', { processInstanceKey: instance.processInstanceKey }))).to.equal(1);
    const completion = await grpcErrorOf(zeebe.client.completeJob({ jobKey: job.key, variables: {} }));
    expect(completion.code).to.equal(Status.NOT_FOUND);
  });

  it('is rejected with NOT_FOUND for an instance that is already cancelled, or never existed', async () => {
    // given
    await deployFirstVersion(zeebe);
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'process-instance-creation',
      variables: {},
    });
    await zeebe.client.cancelProcessInstance(instance.processInstanceKey);

    // when
    const again = await grpcErrorOf(zeebe.client.cancelProcessInstance(instance.processInstanceKey));
    const unknown = await grpcErrorOf(zeebe.client.cancelProcessInstance('2251799813699999'));

    // then
    expect(again.code).to.equal(Status.NOT_FOUND);
    expect(again.details).to.contain(instance.processInstanceKey);
    expect(unknown.code).to.equal(Status.NOT_FOUND);
  });
});
