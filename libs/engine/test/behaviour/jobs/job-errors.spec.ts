import { expect } from 'chai';
import type { TestEngine } from '../../support/test-engine.ts';
import { incidentCreated, instanceCompleted, passed, startTestEngine } from '../../support/test-engine.ts';

describe('BPMN errors thrown by a worker (ThrowError)', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  const activate = async (type: string) => {
    const [job] = await zeebe.client.activateJobs({
      type,
      worker: 'spec',
      timeout: 30_000,
      maxJobsToActivate: 1,
      requestTimeout: -1,
    });
    return job;
  };

  const passedElements = (processInstanceKey: string): string[] =>
    zeebe.records
      .filter(
        (record) =>
          record.valueType === 'PROCESS_INSTANCE' &&
          record.intent === 'ELEMENT_COMPLETED' &&
          record.value.processInstanceKey === processInstanceKey,
      )
      .map((record) => record.value.elementId as string);

  it('takes the path of the error boundary event whose code matches, with the error variables', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'error-boundary.bpmn');
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'error-boundary',
      variables: { dossier: 'HS-9' },
    });
    const check = await activate('check-documents');

    // when
    await zeebe.client.throwError({
      jobKey: check.key,
      errorCode: 'DOCUMENTS_MISSING',
      errorMessage: 'no copy of the ID card',
      variables: { missing: ['id-card'] },
    });
    const request = await activate('request-documents');

    // then
    expect(request.variables).to.deep.equal({ dossier: 'HS-9', missing: ['id-card'] });
    await zeebe.client.completeJob({ jobKey: request.key, variables: {} });
    await zeebe.waitFor(instanceCompleted(instance.processInstanceKey), 'instance completed');
    const elements = passedElements(instance.processInstanceKey);
    expect(elements).to.include.members(['documents-missing', 'request-documents', 'documents-requested']);
    expect(elements).to.not.include('check');
    expect(elements).to.not.include('other-error');
    expect(elements).to.not.include('accepted');
  });

  it('is caught by an error boundary event without error code when no code matches', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'error-boundary.bpmn');
    const instance = await zeebe.client.createProcessInstance({ bpmnProcessId: 'error-boundary', variables: {} });
    const check = await activate('check-documents');

    // when
    await zeebe.client.throwError({
      jobKey: check.key,
      errorCode: 'REGISTRY_OFFLINE',
      errorMessage: 'registry offline',
    });

    // then
    await zeebe.waitFor(instanceCompleted(instance.processInstanceKey), 'instance completed');
    const elements = passedElements(instance.processInstanceKey);
    expect(elements).to.include.members(['any-error', 'other-error']);
    expect(elements).to.not.include('documents-missing');
    const terminated = zeebe.records.find(
      (record) =>
        record.valueType === 'PROCESS_INSTANCE' &&
        record.intent === 'ELEMENT_TERMINATED' &&
        record.value.elementId === 'check',
    );
    expect(terminated, 'the task the error was thrown from is terminated').to.not.equal(undefined);
  });

  it('raises an UNHANDLED_ERROR_EVENT incident when nothing catches the error', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'error-uncaught.bpmn');
    const instance = await zeebe.client.createProcessInstance({ bpmnProcessId: 'error-uncaught', variables: {} });
    const check = await activate('check-documents');

    // when
    await zeebe.client.throwError({
      jobKey: check.key,
      errorCode: 'DOCUMENTS_MISSING',
      errorMessage: 'no copy of the ID card',
    });

    // then
    const incident = await zeebe.waitFor(incidentCreated(instance.processInstanceKey), 'incident created');
    expect(incident.value).to.include({ errorType: 'UNHANDLED_ERROR_EVENT', elementId: 'check', jobKey: check.key });
    expect(incident.value.errorMessage).to.contain("'DOCUMENTS_MISSING'");
    expect(passedElements(instance.processInstanceKey)).to.not.include('end');
  });

  it('is caught by an error event subprocess of the enclosing subprocess, which then completes', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'error-event-subprocess.bpmn');
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'error-event-subprocess',
      variables: {},
    });
    const verify = await activate('verify-signature');

    // when
    await zeebe.client.throwError({
      jobKey: verify.key,
      errorCode: 'INVALID_SIGNATURE',
      errorMessage: 'certificate revoked',
    });

    // then
    await zeebe.waitFor(passed('rejection-recorded', instance.processInstanceKey), 'event subprocess completed');
    await zeebe.waitFor(instanceCompleted(instance.processInstanceKey), 'instance completed');
    const elements = passedElements(instance.processInstanceKey);
    expect(elements).to.include.members(['invalid-signature', 'signature-rejected', 'processing', 'end']);
    expect(elements).to.not.include('verified');
  });
});
