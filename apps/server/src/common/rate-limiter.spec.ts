import { expect } from 'chai';
import { FailureLock, RateLimiter } from './rate-limiter.ts';

describe('RateLimiter', () => {
  it('allows `limit` hits per window per key, then says how long to wait, and starts afresh in the next window', () => {
    // given
    let now = 1_000_000;
    const limiter = new RateLimiter(2, 60_000, 100, () => now);

    // when / then
    expect(limiter.hit('a').allowed).to.equal(true);
    expect(limiter.hit('a').allowed).to.equal(true);
    now += 15_000;
    expect(limiter.hit('a')).to.deep.equal({ allowed: false, retryAfterSeconds: 45 });
    expect(limiter.hit('b').allowed).to.equal(true);
    now += 45_000;
    expect(limiter.hit('a').allowed).to.equal(true);
  });

  it('keeps at most maxKeys keys', () => {
    const limiter = new RateLimiter(1, 60_000, 3, () => 0);
    for (const key of ['a', 'b', 'c', 'd']) limiter.hit(key);
    // 'a' was dropped as the oldest, so it is allowed again.
    expect(limiter.hit('a').allowed).to.equal(true);
    expect(limiter.hit('d').allowed).to.equal(false);
  });
});

describe('RateLimiter when full', () => {
  it('drops expired windows before live ones, so a key still counting keeps its count', () => {
    // given a full limiter (3 keys) whose two oldest windows have ended
    let now = 0;
    const limiter = new RateLimiter(1, 60_000, 3, () => now);
    limiter.hit('a');
    limiter.hit('b');
    now = 61_000;
    limiter.hit('c');

    // when a new key comes
    limiter.hit('d');

    // then 'c' was kept: its second hit in the window is refused
    expect(limiter.hit('c').allowed).to.equal(false);
    expect(limiter.hit('d').allowed).to.equal(false);
  });
});

describe('FailureLock', () => {
  it('locks a key after maxFailures failures within the window, for lockMs from the last one', () => {
    // given
    let now = 0;
    const lock = new FailureLock(3, 60_000, 300_000, 100, () => now);

    // when
    lock.fail('k');
    now += 10_000;
    lock.fail('k');
    expect(lock.lockedFor('k')).to.equal(0);
    now += 10_000;
    lock.fail('k');

    // then
    expect(lock.lockedFor('k')).to.equal(300);
    now += 299_000;
    expect(lock.lockedFor('k')).to.equal(1);
    now += 1_000;
    expect(lock.lockedFor('k')).to.equal(0);
  });

  it('forgets failures older than the window, and all of them after a success', () => {
    let now = 0;
    const lock = new FailureLock(2, 60_000, 300_000, 100, () => now);
    lock.fail('k');
    now += 61_000;
    lock.fail('k');
    expect(lock.lockedFor('k')).to.equal(0);
    lock.succeed('k');
    lock.fail('k');
    expect(lock.lockedFor('k')).to.equal(0);
  });

  it('when full, forgets the key whose last failure is oldest, not the one that failed first', () => {
    // given room for two keys; 'a' failed first but also most recently
    const lock = new FailureLock(3, 60_000, 300_000, 2, () => 0);
    lock.fail('a');
    lock.fail('b');
    lock.fail('a');

    // when a third key fails
    lock.fail('c');

    // then 'b' was forgotten and 'a' kept its two failures: one more locks it
    lock.fail('a');
    expect(lock.lockedFor('a')).to.equal(300);
  });
});
