// Helpers shared by the engine benchmark (libs/engine/bench) and the server benchmark (apps/server/bench): flags,
// percentiles, child processes, /proc readings and the RESULTS.md files they append to. Run through
// @swc-node/register like the benchmarks themselves: no src/ folder, so scripts/build.js leaves it out of `npm start`.
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

/** `--name value`, `--name=value` and bare `--flag` (= 'true'); anything else is refused. */
export function parseFlags(argv: string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument '${arg}'`);
    const eq = arg.indexOf('=');
    if (eq > 0) flags[arg.slice(2, eq)] = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) flags[arg.slice(2)] = argv[++i];
    else flags[arg.slice(2)] = 'true';
  }
  return flags;
}

export function numberFlag(flags: Record<string, string>, name: string, fallback: number): number {
  if (flags[name] === undefined) return fallback;
  const value = Number(flags[name]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`);
  return value;
}

/** The p-th percentile (nearest rank) of ascending values; NaN when there are none. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/** A bounded tail of a child's stderr, for error messages. */
export function tail(child: ChildProcess, limit = 4000): () => string {
  let text = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-limit);
  });
  return () => text.trim();
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** CPU seconds (user + system) a live process has used so far (Linux); undefined elsewhere. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

/** The npm command that ran a benchmark with these arguments, quoted for a shell, for its results section. */
export function npmCommand(script: string, argv: string[]): string {
  const quoted = argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`));
  return quoted.length ? `npm run ${script} -- ${quoted.join(' ')}` : `npm run ${script}`;
}

/** Keeps a RESULTS.md as the repository's `prettier --check .` wants it (tables padded). */
export async function formatResultsFile(path: string, log: (message: string) => void): Promise<void> {
  try {
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(path)) ?? {};
    writeFileSync(path, await prettier.format(readFileSync(path, 'utf8'), { ...options, filepath: path }));
  } catch (error) {
    log(`could not format ${path} with prettier: ${(error as Error).message}`);
  }
}
