import { expect } from 'chai';
import type { TestEngine } from '../../support/test-engine.ts';
import { incidentCreated, instanceCompleted, startTestEngine } from '../../support/test-engine.ts';
import { activate, activateOne, count, elementCompleted, of } from './flow-support.ts';

describe('an exclusive gateway', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  it('takes the first outgoing flow whose condition is true', async () => {
    // given: both conditions hold for 5 pages; 'to-fast-track' comes first
    await zeebe.deploy(import.meta.dirname, 'exclusive-gateway.bpmn');

    // when
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'exclusive-gateway',
      variables: { pages: 5 },
    });

    // then
    const [job] = await activate(zeebe, 'fast-track');
    expect(job.processInstanceKey).to.equal(instance.processInstanceKey);
    expect(await activate(zeebe, 'manual-review')).to.have.length(0);
    expect(await activate(zeebe, 'archive')).to.have.length(0);
  });

  it('takes a later flow when only its condition is true', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'exclusive-gateway.bpmn');

    // when
    await zeebe.client.createProcessInstance({ bpmnProcessId: 'exclusive-gateway', variables: { pages: 50 } });

    // then
    expect(await activate(zeebe, 'manual-review')).to.have.length(1);
    expect(await activate(zeebe, 'fast-track')).to.have.length(0);
    expect(await activate(zeebe, 'archive')).to.have.length(0);
  });

  it('takes the default flow when no condition is true', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'exclusive-gateway.bpmn');

    // when
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'exclusive-gateway',
      variables: { pages: 500 },
    });

    // then
    const job = await activateOne(zeebe, 'archive');
    expect(await activate(zeebe, 'fast-track')).to.have.length(0);
    expect(await activate(zeebe, 'manual-review')).to.have.length(0);
    await zeebe.client.completeJob({ jobKey: job.key, variables: {} });
    await zeebe.waitFor(instanceCompleted(instance.processInstanceKey), 'instance completed');
    expect(count(zeebe, elementCompleted('archived', instance.processInstanceKey))).to.equal(1);
  });

  it('raises a CONDITION_ERROR incident when no condition is true and there is no default flow', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'exclusive-gateway-without-default.bpmn');

    // when
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'exclusive-gateway-without-default',
      variables: { pages: 50 },
    });

    // then
    const incident = await zeebe.waitFor(incidentCreated(instance.processInstanceKey), 'incident created');
    expect(incident.value).to.include({ errorType: 'CONDITION_ERROR', elementId: 'route' });
    expect(incident.value.errorMessage).to.equal(
      'Expected at least one condition to evaluate to true, or to have a default flow',
    );
    expect(await activate(zeebe, 'fast-track')).to.have.length(0);
    expect(await activate(zeebe, 'council')).to.have.length(0);
  });

  it('continues after the variables are fixed on the instance and the incident is resolved', async () => {
    // given: an instance stuck at the gateway
    await zeebe.deploy(import.meta.dirname, 'exclusive-gateway-without-default.bpmn');
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'exclusive-gateway-without-default',
      variables: { pages: 50 },
    });
    const incident = await zeebe.waitFor(incidentCreated(instance.processInstanceKey), 'incident created');

    // when
    await zeebe.client.setVariables({
      elementInstanceKey: instance.processInstanceKey,
      variables: { pages: 120 },
      local: false,
    });
    await zeebe.client.resolveIncident({ incidentKey: incident.key });

    // then
    const job = await activateOne(zeebe, 'council');
    expect(job.variables).to.deep.equal({ pages: 120 });
    expect(count(zeebe, of('INCIDENT', 'RESOLVED', { processInstanceKey: instance.processInstanceKey }))).to.equal(1);
    await zeebe.client.completeJob({ jobKey: job.key, variables: {} });
    await zeebe.waitFor(instanceCompleted(instance.processInstanceKey), 'instance completed');
  });

  it('raises an incident when a condition does not evaluate to a boolean, even with a default flow', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'exclusive-gateway-non-boolean-condition.bpmn');

    // when: `=urgent` is a string, not a boolean
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'exclusive-gateway-non-boolean-condition',
      variables: { urgent: 'yes' },
    });

    // then: Zeebe reports a failed expression as EXTRACT_VALUE_ERROR and does not fall back to the default flow
    const incident = await zeebe.waitFor(incidentCreated(instance.processInstanceKey), 'incident created');
    expect(incident.value).to.include({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'route' });
    expect(incident.value.errorMessage).to.contain(
      "Expected result of the expression 'urgent' to be 'BOOLEAN', but was 'STRING'.",
    );
    expect(await activate(zeebe, 'normal')).to.have.length(0);
    expect(await activate(zeebe, 'urgent')).to.have.length(0);

    // and when the variable is corrected and the incident resolved, the flow is taken
    await zeebe.client.setVariables({
      elementInstanceKey: instance.processInstanceKey,
      variables: { urgent: true },
      local: false,
    });
    await zeebe.client.resolveIncident({ incidentKey: incident.key });
    expect(await activate(zeebe, 'urgent')).to.have.length(1);
  });
});
