import { expect } from 'chai';
import type { TestEngine } from '../../support/test-engine.ts';
import { instanceCompleted, startTestEngine } from '../../support/test-engine.ts';
import { Status, activate, activateOne, count, elementCompleted, grpcErrorOf, of } from './flow-support.ts';

const documents = ['application', 'identity-card', 'land-certificate'];

describe('a multi-instance activity', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  it('in parallel creates one job per item, each with its item as a local variable', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'multi-instance-parallel.bpmn');

    // when
    await zeebe.client.createProcessInstance({
      bpmnProcessId: 'multi-instance-parallel',
      variables: { items: documents },
    });

    // then
    const jobs = await activate(zeebe, 'check-item');
    expect(jobs).to.have.length(3);
    expect(jobs.map((job) => job.variables.item)).to.have.members(documents);
    expect(jobs.map((job) => job.variables.loopCounter)).to.have.members([1, 2, 3]);
    expect(new Set(jobs.map((job) => job.elementInstanceKey)).size).to.equal(3);
  });

  it('in parallel collects the output in item order even when the jobs complete out of order', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'multi-instance-parallel.bpmn');
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'multi-instance-parallel',
      variables: { items: documents },
    });
    const jobs = await activate(zeebe, 'check-item');

    // when: completed last item first
    for (const job of [...jobs].sort((a, b) => Number(b.variables.loopCounter) - Number(a.variables.loopCounter))) {
      await zeebe.client.completeJob({ jobKey: job.key, variables: { checked: `${String(job.variables.item)}: ok` } });
    }

    // then: the output collection follows the input collection; the output element stayed local to each instance
    const after = await activateOne(zeebe, 'after-checks');
    expect(after.variables).to.deep.equal({
      items: documents,
      results: ['application: ok', 'identity-card: ok', 'land-certificate: ok'],
    });
    await zeebe.client.completeJob({ jobKey: after.key, variables: {} });
    await zeebe.waitFor(instanceCompleted(instance.processInstanceKey), 'instance completed');
  });

  it('in sequence creates the next job only after the previous one completed', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'multi-instance-sequential.bpmn');
    await zeebe.client.createProcessInstance({
      bpmnProcessId: 'multi-instance-sequential',
      variables: { items: documents },
    });

    // when / then: one at a time, in order
    for (const [index, document] of documents.entries()) {
      const jobs = await activate(zeebe, 'check-item');
      expect(jobs, `jobs while checking item ${index + 1}`).to.have.length(1);
      expect(jobs[0].variables).to.include({ item: document, loopCounter: index + 1 });
      await zeebe.client.completeJob({ jobKey: jobs[0].key, variables: { checked: index + 1 } });
    }
    const after = await activateOne(zeebe, 'after-checks');
    expect(after.variables.results).to.deep.equal([1, 2, 3]);
  });

  it('over an empty collection completes at once with an empty output collection', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'multi-instance-parallel.bpmn');

    // when
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'multi-instance-parallel',
      variables: { items: [] },
    });

    // then
    expect(await activate(zeebe, 'check-item')).to.have.length(0);
    const after = await activateOne(zeebe, 'after-checks');
    expect(after.variables).to.deep.equal({ items: [], results: [] });
    expect(count(zeebe, elementCompleted('check-item', instance.processInstanceKey))).to.equal(1);
  });

  it('stops early when its completion condition holds, cancelling the other instances', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'multi-instance-completion-condition.bpmn');
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'multi-instance-completion-condition',
      variables: { items: documents },
    });
    const jobs = await activate(zeebe, 'check-item');
    const byItem = new Map(jobs.map((job) => [job.variables.item, job]));

    // when: the first completed instance is fine, the second rejects
    await zeebe.client.completeJob({ jobKey: byItem.get('application')!.key, variables: { checked: 'ok' } });
    expect(await activate(zeebe, 'after-checks')).to.have.length(0);
    await zeebe.client.completeJob({ jobKey: byItem.get('land-certificate')!.key, variables: { checked: 'rejected' } });

    // then
    const after = await activateOne(zeebe, 'after-checks');
    expect(after.variables.results).to.deep.equal(['ok', null, 'rejected']);
    expect(count(zeebe, of('JOB', 'CANCELED', { processInstanceKey: instance.processInstanceKey }))).to.equal(1);
    const error = await grpcErrorOf(
      zeebe.client.completeJob({ jobKey: byItem.get('identity-card')!.key, variables: {} }),
    );
    expect(error.code).to.equal(Status.NOT_FOUND);
  });

  it('offers numberOfCompletedInstances to its completion condition', async () => {
    // given: three appraisers, two are enough
    await zeebe.deploy(import.meta.dirname, 'multi-instance-quorum.bpmn');
    await zeebe.client.createProcessInstance({
      bpmnProcessId: 'multi-instance-quorum',
      variables: { items: ['appraiser-1', 'appraiser-2', 'appraiser-3'] },
    });
    const jobs = await activate(zeebe, 'check-item');

    // when
    await zeebe.client.completeJob({ jobKey: jobs[0].key, variables: { checked: 'agree' } });
    expect(await activate(zeebe, 'after-checks')).to.have.length(0);
    await zeebe.client.completeJob({ jobKey: jobs[1].key, variables: { checked: 'agree' } });

    // then: the third appraisal is no longer needed
    const after = await activateOne(zeebe, 'after-checks');
    expect(after.variables).not.to.have.property('numberOfCompletedInstances');
    expect((after.variables.results as unknown[]).filter((result) => result === 'agree')).to.have.length(2);
    expect((await grpcErrorOf(zeebe.client.completeJob({ jobKey: jobs[2].key, variables: {} }))).code).to.equal(
      Status.NOT_FOUND,
    );
  });
});
