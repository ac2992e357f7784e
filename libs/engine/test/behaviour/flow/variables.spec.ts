import { expect } from 'chai';
import type { TestEngine } from '../../support/test-engine.ts';
import { startTestEngine } from '../../support/test-engine.ts';
import { Status, activateOne, elementInstanceKeyOf, grpcErrorOf, rawGatewayOf } from './flow-support.ts';

describe('SetVariables', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  it('with local=false updates a variable in the scope that already has it and creates new ones in the root scope', async () => {
    // given: the review subprocess has a local `note`
    await zeebe.deploy(import.meta.dirname, 'set-variables.bpmn');
    await zeebe.client.createProcessInstance({ bpmnProcessId: 'set-variables', variables: { dossier: 'HS-5' } });
    const writeNote = await activateOne(zeebe, 'write-note');
    expect(writeNote.variables).to.deep.equal({ dossier: 'HS-5', note: 'draft' });

    // when: set on the task's element instance, propagating
    await zeebe.client.setVariables({
      elementInstanceKey: writeNote.elementInstanceKey,
      variables: { note: 'missing land certificate', reviewer: 'cb01' },
      local: false,
    });
    await zeebe.client.completeJob({ jobKey: writeNote.key, variables: {} });

    // then: inside the subprocess both are visible
    const checkNote = await activateOne(zeebe, 'check-note');
    expect(checkNote.variables).to.deep.equal({ dossier: 'HS-5', note: 'missing land certificate', reviewer: 'cb01' });
    await zeebe.client.completeJob({ jobKey: checkNote.key, variables: {} });

    // and after it: `note` was updated in the subprocess scope and left with it, `reviewer` landed in the root scope
    const readVariables = await activateOne(zeebe, 'read-variables');
    expect(readVariables.variables).to.deep.equal({ dossier: 'HS-5', reviewer: 'cb01' });
  });

  it('with local=true sets the variables on that scope only', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'set-variables.bpmn');
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'set-variables',
      variables: { dossier: 'HS-6' },
    });
    const review = await elementInstanceKeyOf(zeebe, 'review', instance.processInstanceKey);
    const writeNote = await activateOne(zeebe, 'write-note');

    // when: set on the subprocess, locally
    await zeebe.client.setVariables({
      elementInstanceKey: review,
      variables: { reviewer: 'cb02', dossier: 'HS-6-bis' },
      local: true,
    });
    await zeebe.client.completeJob({ jobKey: writeNote.key, variables: {} });

    // then: inside the subprocess the local values are seen (shadowing the root's dossier)
    const checkNote = await activateOne(zeebe, 'check-note');
    expect(checkNote.variables).to.deep.equal({ dossier: 'HS-6-bis', note: 'draft', reviewer: 'cb02' });
    await zeebe.client.completeJob({ jobKey: checkNote.key, variables: {} });

    // and outside it they are gone, the root's dossier untouched
    const readVariables = await activateOne(zeebe, 'read-variables');
    expect(readVariables.variables).to.deep.equal({ dossier: 'HS-6' });
  });

  it('on the process instance updates root variables seen by the next job', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'set-variables.bpmn');
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'set-variables',
      variables: { dossier: 'HS-7' },
    });

    // when
    const response = (await zeebe.client.setVariables({
      elementInstanceKey: instance.processInstanceKey,
      variables: { dossier: 'HS-7-corrected' },
      local: false,
    })) as unknown as { key: string };

    // then: the response carries the key of the variable document update
    expect(BigInt(response.key) > BigInt(instance.processInstanceKey)).to.equal(true);
    const writeNote = await activateOne(zeebe, 'write-note');
    expect(writeNote.variables).to.deep.equal({ dossier: 'HS-7-corrected', note: 'draft' });
  });

  it('is rejected with NOT_FOUND for an unknown element instance key', async () => {
    // when
    const error = await grpcErrorOf(
      zeebe.client.setVariables({
        elementInstanceKey: '2251799813699999',
        variables: { reviewer: 'cb01' },
        local: false,
      }),
    );

    // then
    expect(error.code).to.equal(Status.NOT_FOUND);
    expect(error.details).to.contain('2251799813699999');
  });

  it('is rejected with INVALID_ARGUMENT when the variables are not a JSON object', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'set-variables.bpmn');
    const instance = await zeebe.client.createProcessInstance({ bpmnProcessId: 'set-variables', variables: {} });

    // when: the client passes a string document through as it is
    const error = await grpcErrorOf(
      zeebe.client.setVariables({
        elementInstanceKey: instance.processInstanceKey,
        variables: '[1,2]' as never,
        local: false,
      }),
    );

    // then
    expect(error.code).to.equal(Status.INVALID_ARGUMENT);
  });
});

describe('CreateProcessInstance variables', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  it('are rejected with INVALID_ARGUMENT when they are not a JSON object', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'set-variables.bpmn');
    const gateway = await rawGatewayOf(zeebe.client);

    // when: the typed API refuses arrays before sending, so send the document through its gRPC stub
    const error = await grpcErrorOf(
      gateway.createProcessInstanceSync({ bpmnProcessId: 'set-variables', version: -1, variables: '[1,2]' }),
    );

    // then
    expect(error.code).to.equal(Status.INVALID_ARGUMENT);
  });
});
