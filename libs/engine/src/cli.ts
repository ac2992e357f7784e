import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { startEngineServer } from './gateway/server.ts';

/**
 * `npm run engine -- --port 26500 --data-dir ./data/engine`: the engine alone behind its gRPC
 * gateway. Prints `motcua engine listening on HOST:PORT` when ready; SIGTERM / SIGINT shut it
 * down gracefully (in-flight commands answered, streams closed, journal flushed).
 */
const usage = 'usage: npm run engine -- [--port 26500] [--host 127.0.0.1] [--data-dir ./data/engine]';

function fail(message: string): never {
  process.stderr.write(`motcua engine: ${message}\n${usage}\n`);
  process.exit(2);
}

let values: { port?: string; host?: string; 'data-dir'?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '26500' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: './data/engine' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`--port must be a number from 0 to 65535, got '${values.port}'`);
const host = values.host!;
const dataDir = resolve(values['data-dir']!);
const log = (message: string): void => void process.stderr.write(`${message}\n`);

try {
  const server = await startEngineServer({ dataDir, port, host, log });
  process.stdout.write(`motcua engine listening on ${host}:${server.port}\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`motcua engine: ${signal} received, shutting down`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`motcua engine: shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (error) {
  fail(`could not start on ${host}:${port} with data dir ${dataDir}: ${(error as Error).message}`);
}
