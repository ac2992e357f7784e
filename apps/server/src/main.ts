import { ConfigError, loadConfig } from './config/config.ts';
import { startServer } from './server.ts';

/** `npm start`: every role on embedded defaults; MOTCUA_ROLES and the README's variables change that. */
const log = (message: string): void => void process.stderr.write(`${message}\n`);

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    log(`motcua: configuration error: ${error.message}`);
    process.exit(2);
  }
  throw error;
}

try {
  const server = await startServer(config, log);
  log(`motcua ready: roles ${[...config.roles].join(', ')}, data dir ${config.dataDir}`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`motcua: ${signal} received, shutting down`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (error) {
  log(`motcua: could not start: ${(error as Error).message}`);
  process.exit(1);
}
