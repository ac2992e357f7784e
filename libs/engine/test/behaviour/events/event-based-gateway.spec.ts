import { expect } from 'chai';
import type { TestEngine } from '../../support/test-engine.ts';
import { instanceCompleted, passed, startTestEngine } from '../../support/test-engine.ts';
import { count, of } from './event-records.ts';

const HOUR = 3_600_000;

describe('an event-based gateway', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  const waitingInstance = async (dossierCode: string): Promise<string> => {
    await zeebe.deploy(import.meta.dirname, 'event-based-gateway.bpmn');
    const { processInstanceKey } = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'event-based-gateway',
      variables: { dossierCode },
    });
    await zeebe.waitFor(of('MESSAGE_SUBSCRIPTION', 'CREATED', { processInstanceKey }), 'message subscription');
    await zeebe.waitFor(of('TIMER', 'CREATED', { processInstanceKey }), 'timer');
    return processInstanceKey;
  };

  it('takes the message path when the message arrives before the timer, and cancels the timer', async () => {
    // given an instance waiting for the applicant's reply, at most a day
    const instance = await waitingInstance('HS-080');

    // when the reply arrives after an hour
    await zeebe.advance(HOUR);
    await zeebe.client.publishMessage({
      name: 'applicant-replied',
      correlationKey: 'HS-080',
      variables: { reply: 'ok' },
    });

    // then the message path was taken and the timer cancelled: a day later nothing fires
    await zeebe.waitFor(instanceCompleted(instance), 'instance completed');
    expect(count(zeebe, passed('reply-received', instance))).to.equal(1);
    expect(count(zeebe, passed('answered', instance))).to.equal(1);
    expect(count(zeebe, of('TIMER', 'CANCELED', { processInstanceKey: instance }))).to.equal(1);
    await zeebe.advance(24 * HOUR);
    expect(count(zeebe, of('TIMER', 'TRIGGERED'))).to.equal(0);
    expect(count(zeebe, passed('timed-out', instance))).to.equal(0);
    expect(zeebe.records.some(of('VARIABLE', 'CREATED', { name: 'reply', value: 'ok' }))).to.equal(true);
  });

  it('takes the timer path when the clock passes first, and closes the message subscription', async () => {
    // given an instance waiting for the applicant's reply, at most a day
    const instance = await waitingInstance('HS-081');

    // when a day passes without a reply
    await zeebe.advance(24 * HOUR);

    // then the timer path was taken
    await zeebe.waitFor(instanceCompleted(instance), 'instance completed');
    expect(count(zeebe, passed('day-passed', instance))).to.equal(1);
    expect(count(zeebe, passed('timed-out', instance))).to.equal(1);
    expect(count(zeebe, passed('reply-received', instance))).to.equal(0);
    expect(count(zeebe, of('MESSAGE_SUBSCRIPTION', 'DELETED', { processInstanceKey: instance }))).to.equal(1);

    // and a reply published afterwards (TTL 0) correlates to nothing
    await zeebe.client.publishMessage({ name: 'applicant-replied', correlationKey: 'HS-081', timeToLive: 0 });
    expect(count(zeebe, of('MESSAGE_SUBSCRIPTION', 'CORRELATED'))).to.equal(0);
  });

  it('takes the message path at once when the message was buffered before the gateway was reached', async () => {
    // given a reply buffered before the instance starts
    await zeebe.deploy(import.meta.dirname, 'event-based-gateway.bpmn');
    await zeebe.client.publishMessage({
      name: 'applicant-replied',
      correlationKey: 'HS-082',
      timeToLive: HOUR,
      variables: { reply: 'early' },
    });

    // when the instance reaches the gateway
    const result = await zeebe.client.createProcessInstanceWithResult({
      bpmnProcessId: 'event-based-gateway',
      variables: { dossierCode: 'HS-082' },
      requestTimeout: 10_000,
    });

    // then it took the message path with the reply, and no timer is left to fire
    expect(result.variables).to.deep.equal({ dossierCode: 'HS-082', reply: 'early' });
    expect(count(zeebe, passed('answered', result.processInstanceKey))).to.equal(1);
    await zeebe.advance(24 * HOUR);
    expect(count(zeebe, of('TIMER', 'TRIGGERED'))).to.equal(0);
    expect(count(zeebe, passed('timed-out'))).to.equal(0);
  });
});
