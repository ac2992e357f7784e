import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestServer, testServerDatabases } from './support/test-server.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

function createAdmin(env: Record<string, string>, username: string, input?: string): ReturnType<typeof spawnSync> {
  return spawnSync(
    process.execPath,
    ['--import', '@swc-node/register/esm-register', 'apps/server/src/cli/create-admin.ts', username],
    { cwd: ROOT, env: { ...process.env, ...env }, input: input ?? '', encoding: 'utf8', timeout: 60_000 },
  );
}

for (const { name, env } of testServerDatabases()) {
  describe(`npm run create-admin on ${name}`, function () {
    this.timeout(120_000);

    it('creates the first administrator of an installation without demo users, who can then log in', async () => {
      // given: an installation that never seeded demo users
      const dataDir = mkdtempSync(join(tmpdir(), 'motcua-admin-'));
      const settings = {
        ...env,
        MOTCUA_DATA_DIR: dataDir,
        MOTCUA_DEMO_SEED: 'false',
        MOTCUA_TEST_PASSWORD_HASH_COST: '4',
      };
      const server = await startTestServer(settings);
      try {
        // when
        const piped = createAdmin(settings, 'Chief.Admin', 'a long admin passphrase\n');
        const generated = createAdmin(settings, 'second.admin');
        const taken = createAdmin(settings, 'chief.admin', 'a long admin passphrase\n');

        // then
        expect(piped.status, String(piped.stderr)).to.equal(0);
        expect(String(piped.stdout)).to.equal("administrator 'chief.admin' created\n");
        const password = /password \(shown once\): (\S+)/.exec(String(generated.stdout))?.[1];
        expect(password).to.be.a('string');
        expect(taken.status).to.equal(1);
        expect(String(taken.stderr)).to.include("the username 'chief.admin' is taken");
        const token = await server.login('chief.admin', 'a long admin passphrase');
        const me = await server.request('GET', '/api/auth/me', { token });
        expect(me.body.user.roles).to.deep.equal(['administrator']);
        expect(await server.login('second.admin', password)).to.match(/^mct_/);
        const users = await server.request('GET', '/api/admin/users', { token });
        expect(users.body.users.map((user: { username: string }) => user.username)).to.deep.equal([
          'chief.admin',
          'second.admin',
        ]);
      } finally {
        await server.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
