/**
 * Helper process for the crash test in journal.spec.ts: appends entries until it is killed, printing each
 * acknowledged position on its own stdout line (stdout to a pipe is synchronous on Linux, so a printed
 * position was acknowledged). Small segments and regular snapshots put rolls and compactions in the way
 * of the kill too. Usage: node --import @swc-node/register/esm-register journal-crash-child.ts <dir>
 */
import { Journal } from './journal.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: journal-crash-child.ts <dir>');

const WRITERS = 32;
const SNAPSHOT_EVERY = 150;
const padding = 'x'.repeat(1000);

const { journal } = await Journal.open({
  dir,
  segmentBytes: 64 * 1024,
  log: (message) => process.stderr.write(`${message}\n`),
});
let snapshotAt = journal.lastPosition;

// Several writers keep appends in flight at once, as concurrent commands do, so groups hold many entries.
async function writer(): Promise<never> {
  for (;;) {
    // The position append will assign, stored in the entry so the test can check it comes back under it.
    const expected = journal.lastPosition + 1;
    const position = await journal.append({ expected, padding });
    process.stdout.write(`${position}\n`);
    if (position - snapshotAt >= SNAPSHOT_EVERY) {
      snapshotAt = position;
      void journal.snapshot(position, { upTo: position });
    }
  }
}

await Promise.all(Array.from({ length: WRITERS }, writer));
