import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ControlledClock } from '../../../src/core/clock.ts';
import type { TestEngine } from '../../support/test-engine.ts';
import { incidentCreated, instanceCompleted, jobCreated, passed, startTestEngine } from '../../support/test-engine.ts';
import {
  count,
  elementCompleted,
  ended,
  GRPC_ALREADY_EXISTS,
  GRPC_NOT_FOUND,
  instancesOf,
  messageCorrelated,
  messageSubscriptionOpened,
  of,
  rejectionOf,
} from './event-records.ts';

const MINUTE = 60_000;
const USER_TASK = 'io.camunda.zeebe:userTask';

describe('message events', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  const waitingInstance = async (bpmnProcessId: string, variables: Record<string, string>): Promise<string> => {
    const { processInstanceKey } = await zeebe.client.createProcessInstance({ bpmnProcessId, variables });
    return processInstanceKey;
  };

  describe('correlation by name and correlation key', () => {
    it('correlates a message to an intermediate message catch event by name and correlation key, merging its variables into the instance', async () => {
      // given an instance waiting for documents of dossier HS-001
      await zeebe.deploy(import.meta.dirname, 'message-catch.bpmn');
      const result = zeebe.client.createProcessInstanceWithResult({
        bpmnProcessId: 'message-catch',
        variables: { dossierCode: 'HS-001' },
        requestTimeout: 10_000,
      });
      const subscription = await zeebe.waitFor(
        of('MESSAGE_SUBSCRIPTION', 'CREATED', { messageName: 'documents-received' }),
        'subscription',
      );
      expect(subscription.value.correlationKey).to.equal('HS-001');

      // when messages for another dossier and with another name arrive, then the right one
      await zeebe.client.publishMessage({
        name: 'documents-received',
        correlationKey: 'HS-002',
        variables: { pages: 1 },
      });
      await zeebe.client.publishMessage({
        name: 'payment-confirmed',
        correlationKey: 'HS-001',
        variables: { pages: 2 },
      });
      expect(count(zeebe, of('MESSAGE_SUBSCRIPTION', 'CORRELATED'))).to.equal(0);
      await zeebe.client.publishMessage({
        name: 'documents-received',
        correlationKey: 'HS-001',
        variables: { pages: 12, complete: true },
      });

      // then only the matching message completed the instance, with the message's variables
      const { variables } = await result;
      expect(variables).to.deep.equal({ dossierCode: 'HS-001', pages: 12, complete: true });
      expect(count(zeebe, of('MESSAGE_SUBSCRIPTION', 'CORRELATED'))).to.equal(1);
    });

    it('correlates a message to a receive task by name and correlation key, merging its variables into the instance', async () => {
      // given an instance awaiting the fee payment of dossier HS-003
      await zeebe.deploy(import.meta.dirname, 'receive-task.bpmn');
      const result = zeebe.client.createProcessInstanceWithResult({
        bpmnProcessId: 'receive-task',
        variables: { dossierCode: 'HS-003' },
        requestTimeout: 10_000,
      });
      await zeebe.waitFor(
        of('MESSAGE_SUBSCRIPTION', 'CREATED', { messageName: 'payment-confirmed', correlationKey: 'HS-003' }),
        'subscription',
      );

      // when the payment is confirmed
      await zeebe.client.publishMessage({
        name: 'payment-confirmed',
        correlationKey: 'HS-003',
        variables: { fee: 50_000 },
      });

      // then the receive task completed with the payment's variables
      const { variables } = await result;
      expect(variables).to.deep.equal({ dossierCode: 'HS-003', fee: 50_000 });
      expect(count(zeebe, passed('await-payment'))).to.equal(1);
    });

    it('correlates a message to at most one instance of a process, even when two instances wait with the same key', async () => {
      // given two instances of the same process waiting on the same correlation key
      await zeebe.deploy(import.meta.dirname, 'message-catch.bpmn');
      const first = await waitingInstance('message-catch', { dossierCode: 'HS-007' });
      const second = await waitingInstance('message-catch', { dossierCode: 'HS-007' });

      // when one message is published
      await zeebe.client.publishMessage({ name: 'documents-received', correlationKey: 'HS-007', timeToLive: MINUTE });

      // then exactly one instance got it, the other still waits
      expect(count(zeebe, of('MESSAGE_SUBSCRIPTION', 'CORRELATED'))).to.equal(1);
      const [winner, waiting] = ended(zeebe, first) ? [first, second] : [second, first];
      await zeebe.waitFor(instanceCompleted(winner), 'one instance completed');
      expect(ended(zeebe, waiting)).to.equal(false);

      // and a second message goes to the other one
      await zeebe.client.publishMessage({ name: 'documents-received', correlationKey: 'HS-007' });
      await zeebe.waitFor(instanceCompleted(waiting), 'the other instance completed');
    });
    it('does not correlate a buffered message again to a later instance of a process it already correlated to', async () => {
      // given a buffered message that completed one instance of the process
      await zeebe.deploy(import.meta.dirname, 'message-catch.bpmn');
      const first = await waitingInstance('message-catch', { dossierCode: 'HS-008' });
      await zeebe.client.publishMessage({
        name: 'documents-received',
        correlationKey: 'HS-008',
        timeToLive: 10 * MINUTE,
      });
      await zeebe.waitFor(instanceCompleted(first), 'first instance completed');

      // when another instance of the same process waits for it within the TTL
      const second = await waitingInstance('message-catch', { dossierCode: 'HS-008' });

      // then the message is not correlated a second time
      await zeebe.waitFor(messageSubscriptionOpened(second), 'subscription opened');
      expect(count(zeebe, messageCorrelated(second))).to.equal(0);
      expect(ended(zeebe, second)).to.equal(false);
    });

    it('matches a numeric correlation key value by its string form', async () => {
      // given an instance whose correlation key variable is a number
      await zeebe.deploy(import.meta.dirname, 'message-catch.bpmn');
      const { processInstanceKey } = await zeebe.client.createProcessInstance({
        bpmnProcessId: 'message-catch',
        variables: { dossierCode: 20260105 },
      });
      const subscription = await zeebe.waitFor(messageSubscriptionOpened(processInstanceKey), 'subscription opened');
      expect(subscription.value.correlationKey).to.equal('20260105');

      // when the message is published with that number as its key
      await zeebe.client.publishMessage({ name: 'documents-received', correlationKey: '20260105' });

      // then it correlated
      await zeebe.waitFor(instanceCompleted(processInstanceKey), 'instance completed');
    });
  });

  describe('buffering', () => {
    it('buffers a message published with a TTL before the subscription opens, and correlates it when the subscription opens', async () => {
      // given a message published before any instance waits for it
      await zeebe.deploy(import.meta.dirname, 'message-catch.bpmn');
      await zeebe.client.publishMessage({
        name: 'documents-received',
        correlationKey: 'HS-010',
        timeToLive: 10 * MINUTE,
        variables: { pages: 3 },
      });

      // when the instance reaches the catch event
      const result = await zeebe.client.createProcessInstanceWithResult({
        bpmnProcessId: 'message-catch',
        variables: { dossierCode: 'HS-010' },
        requestTimeout: 10_000,
      });

      // then the buffered message completed it at once
      expect(result.variables).to.deep.equal({ dossierCode: 'HS-010', pages: 3 });
    });

    it('does not buffer a message published with TTL 0', async () => {
      // given a message with TTL 0 published before the subscription opens
      await zeebe.deploy(import.meta.dirname, 'message-catch.bpmn');
      await zeebe.client.publishMessage({
        name: 'documents-received',
        correlationKey: 'HS-011',
        timeToLive: 0,
        variables: { lost: true },
      });

      // when the instance reaches the catch event
      const instance = await waitingInstance('message-catch', { dossierCode: 'HS-011' });

      // then nothing correlated: the instance still waits
      await zeebe.waitFor(messageSubscriptionOpened(instance), 'subscription opened');
      expect(count(zeebe, messageCorrelated(instance))).to.equal(0);
      expect(ended(zeebe, instance)).to.equal(false);
      // (a message published now does correlate)
      await zeebe.client.publishMessage({ name: 'documents-received', correlationKey: 'HS-011', timeToLive: 0 });
      await zeebe.waitFor(instanceCompleted(instance), 'instance completed');
    });

    it('no longer correlates a buffered message once its TTL has passed', async () => {
      // given a message buffered for 10 minutes
      await zeebe.deploy(import.meta.dirname, 'message-catch.bpmn');
      const message = await zeebe.client.publishMessage({
        name: 'documents-received',
        correlationKey: 'HS-012',
        timeToLive: 10 * MINUTE,
      });

      // when 10 minutes pass before the instance waits for it
      await zeebe.advance(10 * MINUTE + 1_000);
      const instance = await waitingInstance('message-catch', { dossierCode: 'HS-012' });

      // then the message expired and did not correlate
      await zeebe.waitFor(of('MESSAGE', 'EXPIRED'), 'message expired');
      expect(zeebe.records.find(of('MESSAGE', 'EXPIRED'))!.key).to.equal(message.key);
      await zeebe.waitFor(messageSubscriptionOpened(instance), 'subscription opened');
      expect(count(zeebe, messageCorrelated(instance))).to.equal(0);
      expect(ended(zeebe, instance)).to.equal(false);
    });

    it('correlates buffered messages first-in, first-out', async () => {
      // given two buffered messages for the same key
      await zeebe.deploy(import.meta.dirname, 'message-catch.bpmn');
      await zeebe.client.publishMessage({
        name: 'documents-received',
        correlationKey: 'HS-013',
        timeToLive: MINUTE,
        variables: { batch: 1 },
      });
      await zeebe.client.publishMessage({
        name: 'documents-received',
        correlationKey: 'HS-013',
        timeToLive: MINUTE,
        variables: { batch: 2 },
      });

      // when an instance reaches the catch event
      const first = await zeebe.client.createProcessInstanceWithResult({
        bpmnProcessId: 'message-catch',
        variables: { dossierCode: 'HS-013' },
        requestTimeout: 10_000,
      });

      // then it got the first one
      expect(first.variables).to.deep.equal({ dossierCode: 'HS-013', batch: 1 });
    });

    it('rejects a second message with the same messageId while the first is buffered, with ALREADY_EXISTS', async () => {
      // given a buffered message with an id
      await zeebe.client.publishMessage({
        name: 'documents-received',
        correlationKey: 'HS-014',
        messageId: 'upload-1',
        timeToLive: 10 * MINUTE,
      });

      // when the same message id is published again
      const rejection = await rejectionOf(
        zeebe.client.publishMessage({
          name: 'documents-received',
          correlationKey: 'HS-014',
          messageId: 'upload-1',
          timeToLive: 10 * MINUTE,
        }),
      );

      // then it is rejected with ALREADY_EXISTS, while another id is accepted
      expect(rejection.code).to.equal(GRPC_ALREADY_EXISTS);
      expect(rejection.details).to.contain("'upload-1'");
      await zeebe.client.publishMessage({
        name: 'documents-received',
        correlationKey: 'HS-014',
        messageId: 'upload-2',
        timeToLive: 10 * MINUTE,
      });
      expect(count(zeebe, of('MESSAGE', 'PUBLISHED', { messageId: 'upload-1' }))).to.equal(1);

      // and once the first expired, its id may be used again
      await zeebe.advance(10 * MINUTE + 1_000);
      await zeebe.client.publishMessage({
        name: 'documents-received',
        correlationKey: 'HS-014',
        messageId: 'upload-1',
        timeToLive: 10 * MINUTE,
      });
      expect(count(zeebe, of('MESSAGE', 'PUBLISHED', { messageId: 'upload-1' }))).to.equal(2);
    });
  });

  describe('message start events', () => {
    it('starts an instance with the message variables', async () => {
      // given a process started by a message
      await zeebe.deploy(import.meta.dirname, 'message-start.bpmn');

      // when the message is published
      await zeebe.client.publishMessage({
        name: 'dossier-submitted',
        correlationKey: 'HS-020',
        variables: { dossierCode: 'HS-020', applicant: 'Nguyễn Văn An' },
      });

      // then an instance runs with the message's variables
      const [job] = await zeebe.client.activateJobs({
        type: 'check-dossier',
        worker: 'spec',
        maxJobsToActivate: 5,
        timeout: MINUTE,
        requestTimeout: -1,
      });
      expect(job.bpmnProcessId).to.equal('message-start');
      expect(job.variables).to.deep.equal({ dossierCode: 'HS-020', applicant: 'Nguyễn Văn An' });
      expect(count(zeebe, passed('dossier-submitted', job.processInstanceKey))).to.equal(1);
    });

    it('does not start a second instance for the same correlation key while the first runs', async () => {
      // given an instance started by a message with key HS-021, still running
      await zeebe.deploy(import.meta.dirname, 'message-start.bpmn');
      await zeebe.client.publishMessage({
        name: 'dossier-submitted',
        correlationKey: 'HS-021',
        variables: { attempt: 1 },
      });
      expect(instancesOf(zeebe, 'message-start')).to.have.length(1);

      // when a second message with the same key and one with another key arrive
      await zeebe.client.publishMessage({
        name: 'dossier-submitted',
        correlationKey: 'HS-021',
        variables: { attempt: 2 },
      });
      await zeebe.client.publishMessage({
        name: 'dossier-submitted',
        correlationKey: 'HS-022',
        variables: { attempt: 3 },
      });

      // then only the other key started an instance
      const jobs = await zeebe.client.activateJobs({
        type: 'check-dossier',
        worker: 'spec',
        maxJobsToActivate: 5,
        timeout: MINUTE,
        requestTimeout: -1,
      });
      expect(jobs.map((job) => job.variables.attempt).sort()).to.deep.equal([1, 3]);
      expect(instancesOf(zeebe, 'message-start')).to.have.length(2);
    });

    it('starts the next instance from a buffered message once the running instance with the same key has ended', async () => {
      // given an instance started by key HS-023, and a second message with that key buffered meanwhile
      await zeebe.deploy(import.meta.dirname, 'message-start.bpmn');
      await zeebe.client.publishMessage({
        name: 'dossier-submitted',
        correlationKey: 'HS-023',
        variables: { attempt: 1 },
      });
      await zeebe.client.publishMessage({
        name: 'dossier-submitted',
        correlationKey: 'HS-023',
        timeToLive: 10 * MINUTE,
        variables: { attempt: 2 },
      });
      expect(instancesOf(zeebe, 'message-start')).to.have.length(1);

      // when the first instance completes
      const [job] = await zeebe.client.activateJobs({
        type: 'check-dossier',
        worker: 'spec',
        maxJobsToActivate: 5,
        timeout: MINUTE,
        requestTimeout: -1,
      });
      expect(job.variables.attempt).to.equal(1);
      await zeebe.client.completeJob({ jobKey: job.key, variables: {} });
      await zeebe.waitFor(instanceCompleted(job.processInstanceKey), 'first instance completed');

      // then the buffered message started a new instance
      await zeebe.waitFor(jobCreated('check-dossier'), 'job');
      const [next] = await zeebe.client.activateJobs({
        type: 'check-dossier',
        worker: 'spec',
        maxJobsToActivate: 5,
        timeout: MINUTE,
        requestTimeout: -1,
      });
      expect(next?.variables).to.deep.equal({ attempt: 2 });
      expect(instancesOf(zeebe, 'message-start')).to.have.length(2);
    });
  });

  describe('boundary events', () => {
    it("cancels the task's job and takes the boundary path when an interrupting message boundary event on a user task correlates", async () => {
      // given a user task under review, its job activated by a worker
      await zeebe.deploy(import.meta.dirname, 'message-boundary-interrupting.bpmn');
      const instance = await waitingInstance('message-boundary-interrupting', { dossierCode: 'HS-030' });
      const [job] = await zeebe.client.activateJobs({
        type: USER_TASK,
        worker: 'spec',
        maxJobsToActivate: 1,
        timeout: MINUTE,
        requestTimeout: -1,
      });
      expect(job.customHeaders['io.camunda.zeebe:assignee']).to.equal('officer');

      // when the applicant withdraws the dossier
      await zeebe.client.publishMessage({
        name: 'dossier-withdrawn',
        correlationKey: 'HS-030',
        variables: { reason: 'moved abroad' },
      });

      // then the task was terminated, its job cancelled, and the instance ended through the boundary path
      await zeebe.waitFor(instanceCompleted(instance), 'instance completed');
      expect(count(zeebe, of('PROCESS_INSTANCE', 'ELEMENT_TERMINATED', { elementId: 'review' }))).to.equal(1);
      expect(count(zeebe, of('JOB', 'CANCELED', { elementId: 'review' }))).to.equal(1);
      expect(count(zeebe, passed('withdrawn', instance))).to.equal(1);
      expect(count(zeebe, passed('closed', instance))).to.equal(1);
      expect(count(zeebe, passed('reviewed', instance))).to.equal(0);
      const rejection = await rejectionOf(zeebe.client.completeJob({ jobKey: job.key, variables: {} }));
      expect(rejection.code).to.equal(GRPC_NOT_FOUND);
    });

    it('takes the boundary path of a non-interrupting message boundary event for each message, keeping the task', async () => {
      // given a service task in progress
      await zeebe.deploy(import.meta.dirname, 'message-boundary-non-interrupting.bpmn');
      const instance = await waitingInstance('message-boundary-non-interrupting', { dossierCode: 'HS-031' });
      const [job] = await zeebe.client.activateJobs({
        type: 'process-dossier',
        worker: 'spec',
        maxJobsToActivate: 1,
        timeout: MINUTE,
        requestTimeout: -1,
      });

      // when the applicant enquires twice
      await zeebe.client.publishMessage({
        name: 'applicant-enquiry',
        correlationKey: 'HS-031',
        variables: { question: 'status?' },
      });
      await zeebe.client.publishMessage({
        name: 'applicant-enquiry',
        correlationKey: 'HS-031',
        variables: { question: 'when?' },
      });

      // then each enquiry took the boundary path, and the task is still there to complete
      expect(count(zeebe, passed('noted', instance))).to.equal(2);
      expect(count(zeebe, of('JOB', 'CANCELED'))).to.equal(0);
      expect(ended(zeebe, instance)).to.equal(false);
      await zeebe.client.completeJob({ jobKey: job.key, variables: { processed: true } });
      await zeebe.waitFor(instanceCompleted(instance), 'instance completed');
      expect(count(zeebe, passed('done', instance))).to.equal(1);
      // and the subscription closed with the task
      expect(count(zeebe, of('MESSAGE_SUBSCRIPTION', 'DELETED', { processInstanceKey: instance }))).to.equal(1);
    });
  });

  describe('event subprocesses', () => {
    it('runs a non-interrupting message event subprocess beside the task, which stays active', async () => {
      // given a dossier being processed
      await zeebe.deploy(import.meta.dirname, 'message-event-subprocess.bpmn');
      const instance = await waitingInstance('message-event-subprocess', { dossierCode: 'HS-040' });
      const [job] = await zeebe.client.activateJobs({
        type: 'process-dossier',
        worker: 'spec',
        maxJobsToActivate: 1,
        timeout: MINUTE,
        requestTimeout: -1,
      });

      // when the applicant enquires
      await zeebe.client.publishMessage({
        name: 'applicant-enquiry',
        correlationKey: 'HS-040',
        variables: { question: 'status?' },
      });

      // then the event subprocess ran to its end, the task is still active and completes the instance
      await zeebe.waitFor(passed('on-enquiry', instance), 'event subprocess completed');
      expect(count(zeebe, passed('enquiry-noted', instance))).to.equal(1);
      expect(ended(zeebe, instance)).to.equal(false);
      await zeebe.client.completeJob({ jobKey: job.key, variables: {} });
      await zeebe.waitFor(instanceCompleted(instance), 'instance completed');
      expect(count(zeebe, passed('done', instance))).to.equal(1);
    });

    it("cancels the task's job and completes the instance through an interrupting message event subprocess", async () => {
      // given a dossier being processed
      await zeebe.deploy(import.meta.dirname, 'message-event-subprocess.bpmn');
      const instance = await waitingInstance('message-event-subprocess', { dossierCode: 'HS-041' });
      const [job] = await zeebe.client.activateJobs({
        type: 'process-dossier',
        worker: 'spec',
        maxJobsToActivate: 1,
        timeout: MINUTE,
        requestTimeout: -1,
      });

      // when the applicant cancels
      await zeebe.client.publishMessage({
        name: 'cancellation-requested',
        correlationKey: 'HS-041',
        variables: { cancelledBy: 'applicant' },
      });

      // then the task was terminated and the instance completed through the event subprocess, with the message's variables
      await zeebe.waitFor(instanceCompleted(instance), 'instance completed');
      expect(count(zeebe, passed('cancelled', instance))).to.equal(1);
      expect(count(zeebe, passed('on-cancellation', instance))).to.equal(1);
      expect(count(zeebe, passed('done', instance))).to.equal(0);
      expect(count(zeebe, of('JOB', 'CANCELED', { elementId: 'process-dossier' }))).to.equal(1);
      expect(
        zeebe.records.some(
          of('VARIABLE', 'CREATED', { name: 'cancelledBy', value: 'applicant', processInstanceKey: instance }),
        ),
      ).to.equal(true);
      expect((await rejectionOf(zeebe.client.completeJob({ jobKey: job.key, variables: {} }))).code).to.equal(
        GRPC_NOT_FOUND,
      );
      // and the other event subprocess no longer listens
      await zeebe.client.publishMessage({ name: 'applicant-enquiry', correlationKey: 'HS-041' });
      expect(count(zeebe, elementCompleted('on-enquiry'))).to.equal(0);
    });
  });

  describe('incidents', () => {
    it('raises an EXTRACT_VALUE_ERROR incident when the correlation key references a missing variable, resolved after setting it', async () => {
      // given an instance without the variable its correlation key needs
      await zeebe.deploy(import.meta.dirname, 'message-catch.bpmn');
      const instance = await waitingInstance('message-catch', { applicant: 'Trần Thị Bình' });

      // then an incident is raised on the catch event
      const incident = await zeebe.waitFor(incidentCreated(instance), 'incident');
      expect(incident.value).to.include({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'documents-received' });
      expect(count(zeebe, messageSubscriptionOpened(instance))).to.equal(0);

      // when the variable is set and the incident resolved
      await zeebe.client.setVariables({
        elementInstanceKey: instance,
        variables: { dossierCode: 'HS-050' },
        local: false,
      });
      await zeebe.client.resolveIncident({ incidentKey: incident.key });

      // then the subscription opens with the key, and the message completes the instance
      const subscription = await zeebe.waitFor(messageSubscriptionOpened(instance), 'subscription opened');
      expect(subscription.value.correlationKey).to.equal('HS-050');
      await zeebe.client.publishMessage({ name: 'documents-received', correlationKey: 'HS-050' });
      await zeebe.waitFor(instanceCompleted(instance), 'instance completed');
      expect(count(zeebe, of('INCIDENT', 'RESOLVED', { processInstanceKey: instance }))).to.equal(1);
    });
  });
});

describe('buffered messages across an engine restart', () => {
  it('keeps a buffered message across a restart until its TTL passes', async () => {
    // given two buffered messages, for one hour and for ten minutes
    const dataDir = mkdtempSync(join(tmpdir(), 'motcua-message-restart-'));
    try {
      const before = await startTestEngine({ dataDir, clock: new ControlledClock() });
      await before.deploy(import.meta.dirname, 'message-catch.bpmn');
      await before.client.publishMessage({
        name: 'documents-received',
        correlationKey: 'HS-090',
        timeToLive: 60 * MINUTE,
        variables: { pages: 4 },
      });
      await before.client.publishMessage({
        name: 'documents-received',
        correlationKey: 'HS-091',
        timeToLive: 10 * MINUTE,
      });
      await before.advance(5 * MINUTE);
      const now = before.clock.now();
      await before.close();

      // when the engine restarts
      const after = await startTestEngine({ dataDir, clock: new ControlledClock(now) });
      try {
        // then the one-hour message still correlates when a subscription opens
        const result = await after.client.createProcessInstanceWithResult({
          bpmnProcessId: 'message-catch',
          variables: { dossierCode: 'HS-090' },
          requestTimeout: 10_000,
        });
        expect(result.variables).to.deep.equal({ dossierCode: 'HS-090', pages: 4 });

        // and the ten-minute one expires on time
        await after.advance(5 * MINUTE + 1_000);
        const { processInstanceKey } = await after.client.createProcessInstance({
          bpmnProcessId: 'message-catch',
          variables: { dossierCode: 'HS-091' },
        });
        await after.waitFor(messageSubscriptionOpened(processInstanceKey), 'subscription opened');
        expect(count(after, messageCorrelated(processInstanceKey))).to.equal(0);
        expect(count(after, of('MESSAGE', 'EXPIRED'))).to.equal(1);
      } finally {
        await after.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
