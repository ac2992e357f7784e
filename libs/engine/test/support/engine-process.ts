import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

export interface EngineProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Everything the engine wrote to stderr so far. */
  readonly stderr: () => string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
}

/** Runs the engine CLI (`npm run engine`'s entry point) as a child process on a data dir. */
export function startEngineProcess(dataDir: string): Promise<EngineProcess> {
  const child = spawn(
    process.execPath,
    ['--import', '@swc-node/register/esm-register', cli, '--port', '0', '--data-dir', dataDir],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /^motcua engine listening on 127\.0\.0\.1:(\d+)$/.exec(line);
      if (match) resolve({ child, port: Number(match[1]), stderr: () => stderr, exited });
    });
    void exited.then((code) => reject(new Error(`engine exited (${code}) before listening: ${stderr}`)));
  });
}
