import { createAdministrator } from '../auth/create-admin.ts';
import { ConfigError, loadConfig } from '../config/config.ts';
import { openDatabase } from '../database/data-source.ts';

/**
 * `npm run create-admin -- <username>`: creates an administrator in the database the configuration
 * names (DATABASE_URL or the SQLite file under MOTCUA_DATA_DIR). The password is read from standard
 * input when it is piped (`echo "$PASSWORD" | npm run create-admin -- admin`), else generated and
 * printed once.
 */
const username = process.argv[2];
if (!username) {
  process.stderr.write('usage: npm run create-admin -- <username>   (password on standard input, or generated)\n');
  process.exit(2);
}

async function readStdin(): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  return text === '' ? undefined : text;
}

try {
  const config = loadConfig();
  const password = await readStdin();
  const dataSource = await openDatabase(config.database);
  try {
    const result = await createAdministrator(dataSource, config, username, password);
    process.stdout.write(
      result.generatedPassword
        ? `administrator '${result.username}' created; password (shown once): ${result.generatedPassword}\n`
        : `administrator '${result.username}' created\n`,
    );
  } finally {
    await dataSource.destroy();
  }
} catch (error) {
  process.stderr.write(
    `motcua create-admin: ${error instanceof ConfigError ? 'configuration error: ' : ''}${(error as Error).message}\n`,
  );
  process.exit(1);
}
