import { expect } from 'chai';
import type { TestEngine } from '../../support/test-engine.ts';
import { instanceCompleted, startTestEngine } from '../../support/test-engine.ts';
import { Status, activate, activateOne, count, elementTerminated, grpcErrorOf, of } from './flow-support.ts';

describe('ModifyProcessInstance', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  /** A dossier received and appraised, now waiting for the signature. */
  async function dossierWaitingForSignature(): Promise<{
    processInstanceKey: string;
    signJob: Awaited<ReturnType<typeof activateOne>>;
  }> {
    await zeebe.deploy(import.meta.dirname, 'process-instance-modification.bpmn');
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'process-instance-modification',
      variables: { dossier: 'HS-10' },
    });
    const receive = await activateOne(zeebe, 'receive-dossier');
    await zeebe.client.completeJob({ jobKey: receive.key, variables: {} });
    const appraise = await activateOne(zeebe, 'appraise-dossier');
    await zeebe.client.completeJob({ jobKey: appraise.key, variables: { appraisal: 'complete' } });
    const signJob = await activateOne(zeebe, 'sign-decision');
    return { processInstanceKey: instance.processInstanceKey, signJob };
  }

  it('moves a stuck dossier back to an earlier step: the waiting job is gone and the earlier step gets a new job', async () => {
    // given
    const { processInstanceKey, signJob } = await dossierWaitingForSignature();

    // when
    await zeebe.client.modifyProcessInstance({
      processInstanceKey,
      terminateInstructions: [{ elementInstanceKey: signJob.elementInstanceKey }],
      activateInstructions: [
        { elementId: 'appraise-dossier', ancestorElementInstanceKey: '-1', variableInstructions: [] },
      ],
    });

    // then
    expect(count(zeebe, elementTerminated('sign-decision', processInstanceKey))).to.equal(1);
    const completion = await grpcErrorOf(zeebe.client.completeJob({ jobKey: signJob.key, variables: {} }));
    expect(completion.code).to.equal(Status.NOT_FOUND);
    const appraiseAgain = await activateOne(zeebe, 'appraise-dossier');
    expect(appraiseAgain.processInstanceKey).to.equal(processInstanceKey);
    expect(appraiseAgain.variables).to.deep.equal({ dossier: 'HS-10', appraisal: 'complete' });

    // and the instance runs on from there
    await zeebe.client.completeJob({ jobKey: appraiseAgain.key, variables: {} });
    const signAgain = await activateOne(zeebe, 'sign-decision');
    await zeebe.client.completeJob({ jobKey: signAgain.key, variables: {} });
    await zeebe.waitFor(instanceCompleted(processInstanceKey), 'instance completed');
  });

  it('sets the variables of an activate instruction', async () => {
    // given
    const { processInstanceKey, signJob } = await dossierWaitingForSignature();

    // when
    await zeebe.client.modifyProcessInstance({
      processInstanceKey,
      terminateInstructions: [{ elementInstanceKey: signJob.elementInstanceKey }],
      activateInstructions: [
        {
          elementId: 'appraise-dossier',
          ancestorElementInstanceKey: '-1',
          variableInstructions: [{ scopeId: '', variables: { returnReason: 'missing seal on the land certificate' } }],
        },
      ],
    });

    // then
    const appraiseAgain = await activateOne(zeebe, 'appraise-dossier');
    expect(appraiseAgain.variables).to.deep.equal({
      dossier: 'HS-10',
      appraisal: 'complete',
      returnReason: 'missing seal on the land certificate',
    });
  });

  it('can activate an element next to the waiting one without terminating it', async () => {
    // given
    const { processInstanceKey, signJob } = await dossierWaitingForSignature();

    // when
    await zeebe.client.modifyProcessInstance({
      processInstanceKey,
      activateInstructions: [
        { elementId: 'receive-dossier', ancestorElementInstanceKey: '-1', variableInstructions: [] },
      ],
    });

    // then: both wait, and the signature job can still be completed
    expect(await activate(zeebe, 'receive-dossier')).to.have.length(1);
    await zeebe.client.completeJob({ jobKey: signJob.key, variables: {} });
    expect(zeebe.records.some(instanceCompleted(processInstanceKey))).to.equal(false);
  });

  it('is rejected with INVALID_ARGUMENT for an element id the process does not have, changing nothing', async () => {
    // given
    const { processInstanceKey, signJob } = await dossierWaitingForSignature();

    // when
    const error = await grpcErrorOf(
      zeebe.client.modifyProcessInstance({
        processInstanceKey,
        terminateInstructions: [{ elementInstanceKey: signJob.elementInstanceKey }],
        activateInstructions: [
          { elementId: 'no-such-step', ancestorElementInstanceKey: '-1', variableInstructions: [] },
        ],
      }),
    );

    // then
    expect(error.code).to.equal(Status.INVALID_ARGUMENT);
    expect(error.details).to.contain('no-such-step');
    expect(count(zeebe, of('PROCESS_INSTANCE_MODIFICATION', 'MODIFIED'))).to.equal(0);
    await zeebe.client.completeJob({ jobKey: signJob.key, variables: {} });
    await zeebe.waitFor(instanceCompleted(processInstanceKey), 'instance completed');
  });

  it('is rejected with NOT_FOUND for an unknown process instance', async () => {
    // when
    const error = await grpcErrorOf(
      zeebe.client.modifyProcessInstance({
        processInstanceKey: '2251799813699999',
        activateInstructions: [
          { elementId: 'appraise-dossier', ancestorElementInstanceKey: '-1', variableInstructions: [] },
        ],
      }),
    );

    // then
    expect(error.code).to.equal(Status.NOT_FOUND);
  });
});
