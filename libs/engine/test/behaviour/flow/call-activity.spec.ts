import { expect } from 'chai';
import type { TestEngine } from '../../support/test-engine.ts';
import { incidentCreated, instanceCompleted, instanceTerminated, startTestEngine } from '../../support/test-engine.ts';
import { Status, activate, activateOne, count, grpcErrorOf, of } from './flow-support.ts';

describe('a call activity', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  it("starts the called process with the parent's variables and returns the child's variables to the parent", async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'call-activity-parent.bpmn', 'call-activity-child.bpmn');
    const parent = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'call-activity-parent',
      variables: { dossier: 'HS-1', landParcel: { sheet: 12, plot: 345 } },
    });

    // when: the child works with the parent's variables
    const lookUp = await activateOne(zeebe, 'look-up-parcel');
    expect(lookUp.processInstanceKey).not.to.equal(parent.processInstanceKey);
    expect(lookUp.variables).to.deep.equal({ dossier: 'HS-1', landParcel: { sheet: 12, plot: 345 } });
    await zeebe.client.completeJob({ jobKey: lookUp.key, variables: { parcelNumber: 'T12-345', owner: 'Trần Thị B' } });

    // then: the child completes and its variables reach the parent
    await zeebe.waitFor(instanceCompleted(lookUp.processInstanceKey), 'child instance completed');
    const after = await activateOne(zeebe, 'after-registry');
    expect(after.processInstanceKey).to.equal(parent.processInstanceKey);
    expect(after.variables).to.deep.equal({
      dossier: 'HS-1',
      landParcel: { sheet: 12, plot: 345 },
      parcelNumber: 'T12-345',
      owner: 'Trần Thị B',
    });
  });

  it('with propagateAllChildVariables=false returns only what its output mappings map', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'call-activity-output-mappings.bpmn', 'call-activity-child.bpmn');
    await zeebe.client.createProcessInstance({
      bpmnProcessId: 'call-activity-output-mappings',
      variables: { dossier: 'HS-2' },
    });
    const lookUp = await activateOne(zeebe, 'look-up-parcel');

    // when
    await zeebe.client.completeJob({ jobKey: lookUp.key, variables: { parcelNumber: 'T12-346', owner: 'Lê Văn C' } });

    // then
    const after = await activateOne(zeebe, 'after-registry');
    expect(after.variables).to.deep.equal({ dossier: 'HS-2', registryParcel: 'T12-346' });
  });

  it('raises a CALLED_ELEMENT_ERROR incident when the called process is not deployed, resolved once it is', async () => {
    // given: only the parent is deployed
    await zeebe.deploy(import.meta.dirname, 'call-activity-parent.bpmn');
    const parent = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'call-activity-parent',
      variables: { dossier: 'HS-3' },
    });

    // then
    const incident = await zeebe.waitFor(incidentCreated(parent.processInstanceKey), 'incident created');
    expect(incident.value).to.include({ errorType: 'CALLED_ELEMENT_ERROR', elementId: 'call-registry' });
    expect(incident.value.errorMessage).to.contain('call-activity-child');

    // when: the called process is deployed and the incident resolved
    await zeebe.deploy(import.meta.dirname, 'call-activity-child.bpmn');
    await zeebe.client.resolveIncident({ incidentKey: incident.key });

    // then: the child starts
    const lookUp = await activateOne(zeebe, 'look-up-parcel');
    expect(lookUp.variables).to.deep.equal({ dossier: 'HS-3' });
    await zeebe.client.completeJob({ jobKey: lookUp.key, variables: {} });
    expect(await activate(zeebe, 'after-registry')).to.have.length(1);
  });

  it('is cancelled together with its child instance when the parent is cancelled', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'call-activity-parent.bpmn', 'call-activity-child.bpmn');
    const parent = await zeebe.client.createProcessInstance({ bpmnProcessId: 'call-activity-parent', variables: {} });
    const lookUp = await activateOne(zeebe, 'look-up-parcel');

    // when
    await zeebe.client.cancelProcessInstance(parent.processInstanceKey);

    // then
    expect(count(zeebe, instanceTerminated(parent.processInstanceKey))).to.equal(1);
    expect(count(zeebe, instanceTerminated(lookUp.processInstanceKey))).to.equal(1);
    expect(count(zeebe, of('JOB', 'CANCELED', { processInstanceKey: lookUp.processInstanceKey }))).to.equal(1);
    const error = await grpcErrorOf(zeebe.client.completeJob({ jobKey: lookUp.key, variables: {} }));
    expect(error.code).to.equal(Status.NOT_FOUND);
  });

  it('refuses to cancel the child instance on its own', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'call-activity-parent.bpmn', 'call-activity-child.bpmn');
    await zeebe.client.createProcessInstance({ bpmnProcessId: 'call-activity-parent', variables: {} });
    const lookUp = await activateOne(zeebe, 'look-up-parcel');

    // when
    const error = await grpcErrorOf(zeebe.client.cancelProcessInstance(lookUp.processInstanceKey));

    // then
    expect(error.code).to.equal(Status.FAILED_PRECONDITION);
    expect(error.details).to.contain('created by a parent process instance');
  });
});
