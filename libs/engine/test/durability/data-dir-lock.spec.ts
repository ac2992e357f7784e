import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine.ts';
import { DataDirLockedError } from '../../src/directory-lock.ts';

describe('the data dir lock', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'motcua-lock-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses a second engine on the same data dir while the first runs, and allows it after', async () => {
    // given
    const first = await Engine.open({ dataDir });

    // when
    const second = await Engine.open({ dataDir }).then(
      () => 'opened',
      (error: unknown) => error,
    );
    await first.close();
    const third = await Engine.open({ dataDir });
    await third.close();

    // then
    expect(second).to.be.instanceOf(DataDirLockedError);
    expect((second as Error).message).to.match(/in use by another motcua engine \(pid \d+\)/);
  });

  it('takes over the lock of an engine that died without releasing it', async () => {
    // given: a lock left by a process that no longer exists (as after kill -9)
    writeFileSync(join(dataDir, 'engine.lock'), '999999999');

    // when
    const engine = await Engine.open({ dataDir });

    // then
    expect(engine).to.be.instanceOf(Engine);
    await engine.close();
  });
});
