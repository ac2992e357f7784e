import { expect } from 'chai';
import type { TestEngine } from '../../support/test-engine.ts';
import { instanceCompleted, startTestEngine } from '../../support/test-engine.ts';
import { activate, activateOne } from './flow-support.ts';

describe('an inclusive gateway (diverging, as in Zeebe 8.5)', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  it('takes every outgoing flow whose condition is true', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'inclusive-gateway.bpmn');

    // when
    await zeebe.client.createProcessInstance({
      bpmnProcessId: 'inclusive-gateway',
      variables: { needsSurvey: true, needsTaxOpinion: true },
    });

    // then
    expect(await activate(zeebe, 'land-survey')).to.have.length(1);
    expect(await activate(zeebe, 'tax-opinion')).to.have.length(1);
    expect(await activate(zeebe, 'standard-review')).to.have.length(0);
  });

  it('takes only the flows whose condition is true', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'inclusive-gateway.bpmn');

    // when
    await zeebe.client.createProcessInstance({
      bpmnProcessId: 'inclusive-gateway',
      variables: { needsSurvey: false, needsTaxOpinion: true },
    });

    // then
    expect(await activate(zeebe, 'tax-opinion')).to.have.length(1);
    expect(await activate(zeebe, 'land-survey')).to.have.length(0);
    expect(await activate(zeebe, 'standard-review')).to.have.length(0);
  });

  it('takes the default flow when no condition is true', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'inclusive-gateway.bpmn');

    // when
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'inclusive-gateway',
      variables: { needsSurvey: false, needsTaxOpinion: false },
    });

    // then
    const review = await activateOne(zeebe, 'standard-review');
    expect(await activate(zeebe, 'land-survey')).to.have.length(0);
    expect(await activate(zeebe, 'tax-opinion')).to.have.length(0);
    await zeebe.client.completeJob({ jobKey: review.key, variables: {} });
    await zeebe.waitFor(instanceCompleted(instance.processInstanceKey), 'instance completed');
  });

  it('completes the instance only after every branch it took has ended', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'inclusive-gateway.bpmn');
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'inclusive-gateway',
      variables: { needsSurvey: true, needsTaxOpinion: true },
    });
    const survey = await activateOne(zeebe, 'land-survey');
    const tax = await activateOne(zeebe, 'tax-opinion');

    // when
    await zeebe.client.completeJob({ jobKey: survey.key, variables: {} });

    // then
    expect(zeebe.records.some(instanceCompleted(instance.processInstanceKey))).to.equal(false);
    await zeebe.client.completeJob({ jobKey: tax.key, variables: {} });
    await zeebe.waitFor(instanceCompleted(instance.processInstanceKey), 'instance completed');
  });
});
