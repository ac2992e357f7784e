import { expect } from 'chai';
import type { TestEngine } from '../../support/test-engine.ts';
import { instanceCompleted, startTestEngine } from '../../support/test-engine.ts';
import { activate, activateOne, count, elementActivated, elementCompleted } from './flow-support.ts';

describe('a parallel gateway', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  it('forks into every outgoing branch at once', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'parallel-gateway.bpmn');

    // when
    const instance = await zeebe.client.createProcessInstance({ bpmnProcessId: 'parallel-gateway', variables: {} });

    // then
    const documents = await activateOne(zeebe, 'check-documents');
    const fees = await activateOne(zeebe, 'check-fees');
    expect(documents.processInstanceKey).to.equal(instance.processInstanceKey);
    expect(fees.processInstanceKey).to.equal(instance.processInstanceKey);
  });

  it('joins only after every incoming branch has arrived, then completes the instance once', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'parallel-gateway.bpmn');
    const instance = await zeebe.client.createProcessInstance({ bpmnProcessId: 'parallel-gateway', variables: {} });
    const pik = instance.processInstanceKey;
    const documents = await activateOne(zeebe, 'check-documents');
    const fees = await activateOne(zeebe, 'check-fees');

    // when: the first branch arrives
    await zeebe.client.completeJob({ jobKey: documents.key, variables: { documentsComplete: true } });

    // then: the join waits
    expect(count(zeebe, elementActivated('join', pik))).to.equal(0);
    expect(await activate(zeebe, 'issue-result')).to.have.length(0);

    // when: the second branch arrives
    await zeebe.client.completeJob({ jobKey: fees.key, variables: { feePaid: true } });

    // then: the join passes once, with both branches' variables
    const issue = await activateOne(zeebe, 'issue-result');
    expect(issue.variables).to.deep.equal({ documentsComplete: true, feePaid: true });
    expect(count(zeebe, elementCompleted('join', pik))).to.equal(1);
    await zeebe.client.completeJob({ jobKey: issue.key, variables: {} });
    await zeebe.waitFor(instanceCompleted(pik), 'instance completed');
    expect(count(zeebe, instanceCompleted(pik))).to.equal(1);
    expect(count(zeebe, elementCompleted('end', pik))).to.equal(1);
  });
});
