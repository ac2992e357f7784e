import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBpmn } from '../bpmn/parse.ts';
import { ControlledClock } from './clock.ts';
import type { ProcessModel } from './model.ts';
import { Processor, Rejection } from './processor.ts';
import type { EngineRecord } from './records.ts';
import { EngineState } from './state.ts';

const HOUR = 3_600_000;

describe('the command processor (pure core, controlled clock)', () => {
  let models: Map<string, ProcessModel>;
  let clock: ControlledClock;
  let processor: Processor;
  let records: EngineRecord[];

  const run = <T>(command: (p: Processor) => T): T => {
    const outcome = processor.run(() => command(processor));
    if (outcome.rejection) throw outcome.rejection;
    if (outcome.failure) throw outcome.failure;
    records.push(...outcome.records);
    return outcome.result as T;
  };
  const passed = (elementId: string) =>
    records.some(
      (r) => r.valueType === 'PROCESS_INSTANCE' && r.intent === 'ELEMENT_COMPLETED' && r.value.elementId === elementId,
    );

  beforeEach(async () => {
    const xml = readFileSync(join(import.meta.dirname, 'processor.spec.bpmn'), 'utf8');
    const [model] = await parseBpmn(xml, 'processor.spec.bpmn');
    models = new Map();
    clock = new ControlledClock();
    processor = new Processor(clock, (process) => models.get(process.key) ?? model);
    records = [];
    run((p) => p.deploy([{ name: 'processor.spec.bpmn', content: xml, checksum: 'c1', models: [model] }]));
  });

  it('fires an SLA boundary timer when the controlled clock passes it, cancelling the job', () => {
    // given
    const { processInstanceKey } = run((p) =>
      p.createProcessInstance({ bpmnProcessId: 'desk-receipt', variables: {} }),
    );
    const [job] = run((p) =>
      p.activateJobs({ type: 'check', worker: 'w', timeout: 24 * HOUR, maxJobsToActivate: 1, fetchVariables: [] }),
    );
    expect(job.processInstanceKey).to.equal(processInstanceKey);

    // when
    clock.advance(8 * HOUR - 1);
    run((p) => p.tick());
    const beforeDue = passed('overdue');
    clock.advance(1);
    run((p) => p.tick());

    // then
    expect(beforeDue).to.equal(false);
    expect(passed('overdue')).to.equal(true);
    expect(records.some((r) => r.valueType === 'JOB' && r.intent === 'CANCELED' && r.key === job.key)).to.equal(true);
    expect(() => run((p) => p.completeJob(job.key, {}))).to.throw(Rejection, /NOT_FOUND/);
  });

  it('waits for a supplement message on the dossier code and then ends accepted', () => {
    // given
    run((p) => p.createProcessInstance({ bpmnProcessId: 'desk-receipt', variables: { code: 'H10-260105-0001' } }));
    const [job] = run((p) =>
      p.activateJobs({ type: 'check', worker: 'w', timeout: HOUR, maxJobsToActivate: 1, fetchVariables: [] }),
    );
    run((p) => p.completeJob(job.key, { needsSupplement: true }));
    expect(passed('accepted')).to.equal(false);

    // when
    run((p) =>
      p.publishMessage({
        name: 'supplement',
        correlationKey: 'H10-260105-0001',
        timeToLive: 0,
        messageId: '',
        variables: { supplied: ['cccd.pdf'] },
      }),
    );

    // then
    expect(passed('wait-supplement')).to.equal(true);
    expect(passed('accepted')).to.equal(true);
  });

  it('rebuilds exactly the same state from its event records alone', () => {
    // given: instances in every kind of waiting state, with buffered messages and due timers
    for (let index = 0; index < 5; index++) {
      run((p) => p.createProcessInstance({ bpmnProcessId: 'desk-receipt', variables: { code: `C-${index}`, index } }));
    }
    const jobs = run((p) =>
      p.activateJobs({ type: 'check', worker: 'w', timeout: HOUR, maxJobsToActivate: 3, fetchVariables: [] }),
    );
    run((p) => p.completeJob(jobs[0].key, { needsSupplement: true }));
    run((p) => p.failJob(jobs[1].key, 0, 'scanner offline', 0, {}));
    run((p) =>
      p.publishMessage({
        name: 'supplement',
        correlationKey: 'nobody',
        timeToLive: HOUR,
        messageId: 'm1',
        variables: {},
      }),
    );
    clock.advance(2 * HOUR);
    run((p) => p.tick());

    // when
    const replayed = new EngineState((process) => models.get(process.key) ?? processor.state.model(process.key));
    for (const record of records) replayed.apply(record);

    // then
    expect(JSON.parse(JSON.stringify(replayed.toSnapshot()))).to.deep.equal(
      JSON.parse(JSON.stringify(processor.state.toSnapshot())),
    );
    expect(replayed.incidents.size).to.equal(1);
  });

  it('rejects a command without writing anything', () => {
    const before = processor.state.position;
    const outcome = processor.run(() => processor.completeJob('2251799813699999', {}));
    expect(outcome.rejection?.code).to.equal('NOT_FOUND');
    expect(outcome.records).to.deep.equal([]);
    expect(processor.state.position).to.equal(before);
  });
});
