import { expect } from 'chai';
import type { TestEngine } from '../../support/test-engine.ts';
import { incidentCreated, instanceCompleted, jobCreated, startTestEngine } from '../../support/test-engine.ts';

describe('a job-based user task', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  it('creates a job of type io.camunda.zeebe:userTask whose headers carry assignment, form and schedule as Zeebe 8.5 writes them', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'job-based-user-task.bpmn');
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'job-based-user-task',
      variables: { followUp: '2026-01-20T08:30:15.5+07:00' },
    });

    // when
    const [job] = await zeebe.client.activateJobs({
      type: 'io.camunda.zeebe:userTask',
      worker: 'tasklist',
      timeout: 30_000,
      maxJobsToActivate: 1,
      requestTimeout: -1,
    });

    // then: candidate groups as a JSON list literal; dates as Java's ZonedDateTime.toString() of the
    // parsed value (zero seconds left out, fractions in groups of three digits)
    expect(job).to.include({ elementId: 'review', processInstanceKey: instance.processInstanceKey });
    expect(job.customHeaders).to.deep.equal({
      'io.camunda.zeebe:assignee': 'chuyenvien01',
      'io.camunda.zeebe:candidateGroups': '["mot-cua","lanh-dao"]',
      'io.camunda.zeebe:formKey': 'camunda-forms:bpmn:dossier-review-form',
      'io.camunda.zeebe:dueDate': '2026-01-31T17:00+07:00',
      'io.camunda.zeebe:followUpDate': '2026-01-20T08:30:15.500+07:00',
    });
    await zeebe.client.completeJob({ jobKey: job.key, variables: { decision: 'approve' } });
    await zeebe.waitFor(instanceCompleted(instance.processInstanceKey), 'instance completed');
  });

  it('takes candidate groups from a FEEL list, and raises an incident when the expression gives a single string (as Zeebe 8.5)', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'user-task-groups-expression.bpmn');

    // when
    const listed = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'user-task-groups-expression',
      variables: { groups: ['desk@000.00.12.H10'] },
    });
    const single = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'user-task-groups-expression',
      variables: { groups: 'desk@000.00.12.H10' },
    });

    // then
    const job = await zeebe.waitFor(
      jobCreated('io.camunda.zeebe:userTask', listed.processInstanceKey),
      'user task job',
    );
    expect(job.value.customHeaders).to.include({ 'io.camunda.zeebe:candidateGroups': '["desk@000.00.12.H10"]' });
    const incident = await zeebe.waitFor(incidentCreated(single.processInstanceKey), 'incident');
    expect(incident.value).to.include({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'review' });
  });
});
