import { expect } from 'chai';
import type { TestEngine } from '../../support/test-engine.ts';
import { instanceCompleted, startTestEngine } from '../../support/test-engine.ts';
import {
  Status,
  activate,
  activateOne,
  count,
  elementCompleted,
  elementTerminated,
  grpcErrorOf,
  of,
} from './flow-support.ts';

describe('an embedded subprocess', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  it('keeps the variables of its input mappings local and propagates only its output mappings', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'subprocess-variables.bpmn');
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'subprocess-variables',
      variables: { dossier: { code: 'HS-2026-0001' } },
    });

    // when: the task inside sees the subprocess' local variables and sets the local verdict
    const examine = await activateOne(zeebe, 'examine');
    expect(examine.variables).to.deep.equal({
      dossier: { code: 'HS-2026-0001' },
      reviewedCode: 'HS-2026-0001',
      verdict: null,
    });
    await zeebe.client.completeJob({ jobKey: examine.key, variables: { verdict: 'approved' } });

    // then: after the subprocess only the mapped output is visible
    const publish = await activateOne(zeebe, 'publish');
    expect(publish.variables).to.deep.equal({ dossier: { code: 'HS-2026-0001' }, reviewVerdict: 'approved' });
    await zeebe.client.completeJob({ jobKey: publish.key, variables: {} });
    await zeebe.waitFor(instanceCompleted(instance.processInstanceKey), 'instance completed');
  });

  it('is left through its error boundary event when an error end event inside it is reached', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'subprocess-error-boundary.bpmn');
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'subprocess-error-boundary',
      variables: {},
    });
    const pik = instance.processInstanceKey;
    const verify = await activateOne(zeebe, 'verify-signature');

    // when
    await zeebe.client.completeJob({ jobKey: verify.key, variables: { signatureValid: false } });

    // then
    const notify = await activateOne(zeebe, 'notify-rejection');
    expect(notify.processInstanceKey).to.equal(pik);
    expect(count(zeebe, elementTerminated('verification', pik))).to.equal(1);
    expect(count(zeebe, elementCompleted('on-invalid-signature', pik))).to.equal(1);
    expect(count(zeebe, of('INCIDENT', 'CREATED', { processInstanceKey: pik }))).to.equal(0);
    expect(await activate(zeebe, 'issue')).to.have.length(0);
    await zeebe.client.completeJob({ jobKey: notify.key, variables: {} });
    await zeebe.waitFor(instanceCompleted(pik), 'instance completed');
    expect(count(zeebe, elementCompleted('rejected', pik))).to.equal(1);
  });

  it('completes normally and continues on its outgoing flow when no error is thrown', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'subprocess-error-boundary.bpmn');
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'subprocess-error-boundary',
      variables: {},
    });
    const verify = await activateOne(zeebe, 'verify-signature');

    // when
    await zeebe.client.completeJob({ jobKey: verify.key, variables: { signatureValid: true } });

    // then
    expect(await activate(zeebe, 'issue')).to.have.length(1);
    expect(await activate(zeebe, 'notify-rejection')).to.have.length(0);
    expect(count(zeebe, elementCompleted('verification', instance.processInstanceKey))).to.equal(1);
  });
});

describe('a terminate end event', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  it('ends the whole process instance and cancels the jobs of the other branches', async () => {
    // given: two branches, each waiting at a job
    await zeebe.deploy(import.meta.dirname, 'terminate-end-event.bpmn');
    const instance = await zeebe.client.createProcessInstance({ bpmnProcessId: 'terminate-end-event', variables: {} });
    const pik = instance.processInstanceKey;
    const collectFee = await activateOne(zeebe, 'collect-fee');
    const assess = await activateOne(zeebe, 'assess');

    // when: one branch reaches the terminate end event
    await zeebe.client.completeJob({ jobKey: assess.key, variables: {} });

    // then: the instance is completed, the other branch's job is gone
    await zeebe.waitFor(instanceCompleted(pik), 'instance completed');
    expect(count(zeebe, elementTerminated('collect-fee', pik))).to.equal(1);
    const error = await grpcErrorOf(zeebe.client.completeJob({ jobKey: collectFee.key, variables: {} }));
    expect(error.code).to.equal(Status.NOT_FOUND);
    expect(count(zeebe, elementCompleted('fee-end', pik))).to.equal(0);
  });

  it('inside a subprocess ends only the subprocess, which then continues on its outgoing flow', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'terminate-end-event-in-subprocess.bpmn');
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'terminate-end-event-in-subprocess',
      variables: {},
    });
    const pik = instance.processInstanceKey;
    const collectFee = await activateOne(zeebe, 'collect-fee');
    const assess = await activateOne(zeebe, 'assess');

    // when
    await zeebe.client.completeJob({ jobKey: assess.key, variables: {} });

    // then
    const archive = await activateOne(zeebe, 'archive');
    expect(archive.processInstanceKey).to.equal(pik);
    expect(count(zeebe, elementCompleted('checks', pik))).to.equal(1);
    expect((await grpcErrorOf(zeebe.client.completeJob({ jobKey: collectFee.key, variables: {} }))).code).to.equal(
      Status.NOT_FOUND,
    );
    expect(zeebe.records.some(instanceCompleted(pik))).to.equal(false);
  });
});
