import { expect } from 'chai';
import { DEMO_PASSWORD } from '../src/seed/demo-data.ts';
import { LOGIN_MAX_FAILURES } from '../src/auth/auth.service.ts';
import { AuthSession } from '../src/auth/auth-session.entity.ts';
import { sha256 } from '../src/auth/secrets.ts';
import { openDatabase } from '../src/database/data-source.ts';
import { Group } from '../src/users/group.entity.ts';
import { User } from '../src/users/user.entity.ts';
import { startTestServer, testServerDatabases } from './support/test-server.ts';
import type { TestServer } from './support/test-server.ts';

/** name=value pairs and attributes of the Set-Cookie headers of a response. */
function cookiesOf(headers: Headers): Map<string, { value: string; attributes: string[] }> {
  const cookies = new Map<string, { value: string; attributes: string[] }>();
  for (const line of headers.getSetCookie()) {
    const [pair, ...attributes] = line.split(';').map((part) => part.trim());
    const index = pair.indexOf('=');
    cookies.set(pair.slice(0, index), { value: pair.slice(index + 1), attributes });
  }
  return cookies;
}

async function browserLogin(
  server: TestServer,
  username: string,
  password = DEMO_PASSWORD,
): Promise<{ cookie: string; csrf: string }> {
  const response = await server.request('POST', '/api/auth/login', { body: { username, password } });
  expect(response.status, JSON.stringify(response.body)).to.equal(200);
  const cookies = cookiesOf(response.headers);
  return {
    cookie: `motcua_session=${cookies.get('motcua_session')!.value}; motcua_csrf=${cookies.get('motcua_csrf')!.value}`,
    csrf: response.body.csrfToken,
  };
}

for (const { name, env } of testServerDatabases()) {
  describe(`authentication over HTTP on ${name}`, function () {
    this.timeout(60_000);
    let server: TestServer;
    before(async () => {
      server = await startTestServer(env);
    });
    after(async () => {
      await server?.close();
    });

    it('logs a browser in with an HttpOnly SameSite session cookie and a readable CSRF cookie', async () => {
      // when
      const response = await server.request('POST', '/api/auth/login', {
        body: { username: 'kinhbac.desk', password: DEMO_PASSWORD },
      });

      // then
      expect(response.status).to.equal(200);
      const cookies = cookiesOf(response.headers);
      const session = cookies.get('motcua_session')!;
      const csrf = cookies.get('motcua_csrf')!;
      expect(session.attributes).to.include.members(['HttpOnly', 'SameSite=Lax', 'Path=/']);
      expect(session.attributes).not.to.include('Secure');
      expect(csrf.attributes).to.include('SameSite=Lax');
      expect(csrf.attributes).not.to.include('HttpOnly');
      expect(response.body.csrfToken).to.equal(csrf.value);
      expect(response.body.user).to.deep.include({
        username: 'kinhbac.desk',
        roles: ['desk'],
        agencyCode: '000.00.12.H10',
        groupCodes: ['desk@000.00.12.H10'],
      });
      expect(response.body).not.to.have.property('token');
      const me = await server.request('GET', '/api/auth/me', {
        headers: { cookie: `motcua_session=${session.value}` },
      });
      expect(me.status).to.equal(200);
      expect(me.body).to.deep.include({ authenticatedBy: 'browser' });
      expect(me.body.user.username).to.equal('kinhbac.desk');
    });

    it('refuses a cookie-authenticated POST without the CSRF header, or with a wrong one, and accepts the right one', async () => {
      // given
      const { cookie, csrf } = await browserLogin(server, 'citizen.an');

      // when
      const without = await server.request('POST', '/api/auth/tokens', { headers: { cookie }, body: { name: 'x' } });
      const wrong = await server.request('POST', '/api/auth/tokens', {
        headers: { cookie, 'x-csrf-token': `${csrf}x` },
        body: { name: 'x' },
      });
      const right = await server.request('POST', '/api/auth/tokens', {
        headers: { cookie, 'x-csrf-token': csrf },
        body: { name: 'script' },
      });

      // then
      expect(without.status).to.equal(403);
      expect(without.body.error).to.equal('CSRF_TOKEN_INVALID');
      expect(without.body.message).to.match(/X-CSRF-Token.* \/ .*X-CSRF-Token/);
      expect(wrong.status).to.equal(403);
      expect(right.status).to.equal(201);
    });

    it('does not accept the CSRF token of another session', async () => {
      const first = await browserLogin(server, 'citizen.an');
      const second = await browserLogin(server, 'citizen.an');
      const response = await server.request('POST', '/api/auth/logout', {
        headers: { cookie: first.cookie, 'x-csrf-token': second.csrf },
      });
      expect(response.status).to.equal(403);
    });

    it('knows an official by their token with agency and every group, and refuses an expired token, deleting it', async () => {
      // given a specialist who is also in the leaders' group, and a leader
      const specialist = await server.login('kinhbac.specialist');
      const leader = await server.login('kinhbac.leader');
      const database = await openDatabase(server.config.database);
      try {
        const user = await database.getRepository(User).findOneOrFail({
          where: { username: 'kinhbac.specialist' },
          relations: { groups: true },
        });
        const leaders = await database.getRepository(Group).findOneByOrFail({ code: 'leader@000.00.12.H10' });
        user.groups.push(leaders);
        await database.getRepository(User).save(user);

        // when
        const me = await server.request('GET', '/api/auth/me', { token: specialist });
        await database
          .createQueryBuilder()
          .update(AuthSession)
          .set({ expiresAt: new Date(Date.now() - 1000) })
          .where('tokenHash = :hash', { hash: sha256(specialist) })
          .execute();
        const expired = await server.request('GET', '/api/auth/me', { token: specialist });

        // then
        expect(me.status).to.equal(200);
        expect(me.body.user).to.deep.include({
          agencyCode: '000.00.12.H10',
          groupCodes: ['leader@000.00.12.H10', 'specialist@000.00.12.H10'],
        });
        expect(expired.status).to.equal(401);
        expect(await database.getRepository(AuthSession).countBy({ tokenHash: sha256(specialist) })).to.equal(0);
        expect((await server.request('GET', '/api/auth/me', { token: leader })).status).to.equal(200);
      } finally {
        await database.destroy();
      }
    });

    it('gives scripted clients a bearer token that works without CSRF and without cookies', async () => {
      // given
      const token = await server.login('kinhbac.specialist');

      // when
      const me = await server.request('GET', '/api/auth/me', { token });
      const created = await server.request('POST', '/api/auth/tokens', {
        token,
        body: { name: 'nightly import', days: 7 },
      });
      const listed = await server.request('GET', '/api/auth/tokens', { token: created.body.token });

      // then
      expect(token).to.match(/^mct_/);
      expect(me.status).to.equal(200);
      expect(me.body).to.deep.include({ authenticatedBy: 'token' });
      expect(created.status).to.equal(201);
      expect(created.body.token).to.match(/^mct_/);
      const days = (Date.parse(created.body.expiresAt) - Date.now()) / 86_400_000;
      expect(days).to.be.within(6.9, 7.01);
      expect(listed.status).to.equal(200);
      expect(listed.body.tokens.map((t: { name: string }) => t.name)).to.include('nightly import');
    });

    it('does not take a session cookie value as a bearer token, nor a bearer token as a cookie', async () => {
      const { cookie } = await browserLogin(server, 'citizen.an');
      const sessionValue = /motcua_session=([^;]+)/.exec(cookie)![1];
      const token = await server.login('citizen.an');
      const asBearer = await server.request('GET', '/api/auth/me', { token: sessionValue });
      const asCookie = await server.request('GET', '/api/auth/me', { headers: { cookie: `motcua_session=${token}` } });
      expect(asBearer.status).to.equal(401);
      expect(asCookie.status).to.equal(401);
    });

    it('answers a wrong password with 401, no cookie and no token, and audits the failure', async () => {
      // when
      const response = await server.request('POST', '/api/auth/login', {
        body: { username: 'vocuong.leader', password: 'not-the-password' },
      });
      const unknown = await server.request('POST', '/api/auth/login', {
        body: { username: 'nobody.here', password: 'not-the-password' },
      });

      // then
      expect(response.status).to.equal(401);
      expect(response.body).to.deep.equal({
        error: 'INVALID_CREDENTIALS',
        message: 'Tên đăng nhập hoặc mật khẩu không đúng / Wrong username or password',
      });
      expect(response.headers.getSetCookie()).to.deep.equal([]);
      expect(unknown.status).to.equal(401);
      expect(unknown.body).to.deep.equal(response.body);
      const admin = await server.login('admin');
      const user = (await server.request('GET', '/api/admin/users?q=vocuong.leader', { token: admin })).body.users[0];
      const audit = await server.request('GET', `/api/admin/audit?entity=user&entityId=${user.id}`, { token: admin });
      expect(audit.body.entries.map((e: { action: string }) => e.action)).to.include('auth.login_failed');
      const logins = await server.request('GET', `/api/admin/audit?action=auth.login&actorId=${user.id}`, {
        token: admin,
      });
      expect(logins.body.entries).to.deep.equal([]);
    });

    it(`locks a username from an address after ${LOGIN_MAX_FAILURES} failures, even for the right password`, async () => {
      // given
      for (let attempt = 0; attempt < LOGIN_MAX_FAILURES; attempt++) {
        const failed = await server.request('POST', '/api/auth/login', {
          body: { username: 'bacgiang.desk', password: `wrong-password-${attempt}` },
        });
        expect(failed.status).to.equal(401);
      }

      // when
      const locked = await server.request('POST', '/api/auth/login', {
        body: { username: 'bacgiang.desk', password: DEMO_PASSWORD },
      });
      const other = await server.request('POST', '/api/auth/login', {
        body: { username: 'bacgiang.leader', password: DEMO_PASSWORD },
      });

      // then
      expect(locked.status).to.equal(429);
      expect(locked.body.error).to.equal('LOGIN_LOCKED');
      expect(Number(locked.headers.get('retry-after'))).to.be.within(1, 15 * 60);
      expect(locked.headers.getSetCookie()).to.deep.equal([]);
      expect(other.status).to.equal(200);
    });

    it('answers 401 in Vietnamese and English without a login, and 403 to a citizen on an administrator endpoint', async () => {
      // when
      const anonymous = await server.request('GET', '/api/admin/users');
      const citizen = await server.request('GET', '/api/admin/users', { token: await server.login('citizen.binh') });
      const badToken = await server.request('GET', '/api/auth/me', { token: 'mct_forged' });

      // then
      expect(anonymous.status).to.equal(401);
      expect(anonymous.body).to.deep.equal({ error: 'UNAUTHENTICATED', message: 'Vui lòng đăng nhập / Please log in' });
      expect(citizen.status).to.equal(403);
      expect(citizen.body.error).to.equal('FORBIDDEN');
      expect(citizen.body.message).to.include('administrator');
      expect(badToken.status).to.equal(401);
    });

    it('keeps public endpoints open', async () => {
      const health = await server.request('GET', '/api/health');
      expect(health.status).to.equal(200);
    });

    it('logs a browser session out: the cookie stops working and the cookies are cleared', async () => {
      // given
      const { cookie, csrf } = await browserLogin(server, 'citizen.binh');

      // when
      const out = await server.request('POST', '/api/auth/logout', { headers: { cookie, 'x-csrf-token': csrf } });
      const after = await server.request('GET', '/api/auth/me', { headers: { cookie } });

      // then
      expect(out.status).to.equal(200);
      expect(cookiesOf(out.headers).get('motcua_session')?.value).to.equal('');
      expect(after.status).to.equal(401);
    });

    it('logs a bearer token out', async () => {
      const token = await server.login('citizen.binh');
      expect((await server.request('POST', '/api/auth/logout', { token })).status).to.equal(200);
      expect((await server.request('GET', '/api/auth/me', { token })).status).to.equal(401);
    });

    it('revokes a named token', async () => {
      const token = await server.login('citizen.an');
      const created = await server.request('POST', '/api/auth/tokens', { token, body: { name: 'revoke me' } });
      const revoked = await server.request('DELETE', `/api/auth/tokens/${created.body.id}`, { token });
      expect(revoked.status).to.equal(200);
      expect((await server.request('GET', '/api/auth/me', { token: created.body.token })).status).to.equal(401);
      expect((await server.request('DELETE', `/api/auth/tokens/${created.body.id}`, { token })).status).to.equal(404);
    });

    it('lets a citizen register, then log in with role citizen', async () => {
      // when
      const registered = await server.request('POST', '/api/auth/register', {
        body: {
          username: 'Le.Van.Cuong',
          password: 'mot cau mat khau dai',
          fullName: 'Lê Văn Cường',
          phone: '+84 912 000 111',
          email: 'Cuong@Example.com',
        },
      });
      const token = await server.login('le.van.cuong', 'mot cau mat khau dai');
      const me = await server.request('GET', '/api/auth/me', { token });

      // then
      expect(registered.status).to.equal(201);
      expect(registered.body.user).to.deep.include({
        username: 'le.van.cuong',
        roles: ['citizen'],
        agencyId: null,
        groupCodes: [],
      });
      expect(me.body.user.fullName).to.equal('Lê Văn Cường');
      const admin = await server.login('admin');
      const user = (await server.request('GET', '/api/admin/users?q=le.van.cuong', { token: admin })).body.users[0];
      expect(user).to.deep.include({ phone: '0912000111', email: 'cuong@example.com' });
    });

    it('lists every problem of a registration at once', async () => {
      // when
      const response = await server.request('POST', '/api/auth/register', {
        body: { username: 'a', password: 'short', fullName: '', phone: '12345', email: 'not-an-email' },
      });

      // then
      expect(response.status).to.equal(400);
      expect(response.body.error).to.equal('VALIDATION_FAILED');
      expect(response.body.message).to.equal('Dữ liệu không hợp lệ / Invalid input');
      const fields = response.body.details.errors.map((e: { field: string }) => e.field);
      expect(fields).to.have.members(['username', 'password', 'fullName', 'phone', 'email']);
      for (const error of response.body.details.errors) expect(error.message).to.match(/.+ \/ .+/);
    });

    it('refuses a registration with a taken username (409) or a password containing the username', async () => {
      const taken = await server.request('POST', '/api/auth/register', {
        body: {
          username: 'citizen.an',
          password: 'another long password',
          fullName: 'Nguyễn Văn An',
          phone: '0912345679',
          email: 'an2@example.com',
        },
      });
      const weak = await server.request('POST', '/api/auth/register', {
        body: {
          username: 'tran.b',
          password: 'tran.b-1234567',
          fullName: 'Trần B',
          phone: '0912345679',
          email: 'b@example.com',
        },
      });
      expect(taken.status).to.equal(409);
      expect(taken.body.error).to.equal('USERNAME_TAKEN');
      expect(weak.status).to.equal(400);
      expect(weak.body.details.errors).to.deep.equal([
        {
          field: 'password',
          message: 'Mật khẩu không được chứa tên đăng nhập / The password must not contain the username',
        },
      ]);
    });

    it('changes a password and ends the other sessions', async () => {
      // given
      const other = await server.login('vocuong.desk');
      const token = await server.login('vocuong.desk');

      // when
      const changed = await server.request('POST', '/api/auth/password', {
        token,
        body: { currentPassword: DEMO_PASSWORD, newPassword: 'a brand new passphrase' },
      });

      // then
      expect(changed.status).to.equal(200);
      expect((await server.request('GET', '/api/auth/me', { token })).status).to.equal(200);
      expect((await server.request('GET', '/api/auth/me', { token: other })).status).to.equal(401);
      expect(await server.login('vocuong.desk', 'a brand new passphrase')).to.match(/^mct_/);
    });

    it('answers malformed JSON and unknown routes in the same error shape', async () => {
      const malformed = await server.request('POST', '/api/auth/login', {
        body: '{"username":',
        headers: { 'content-type': 'application/json' },
      });
      const unknown = await server.request('GET', '/api/no-such-thing', { token: await server.login('citizen.an') });
      expect(malformed.status).to.equal(400);
      expect(malformed.body.error).to.equal('BAD_REQUEST');
      expect(unknown.status).to.equal(404);
      expect(unknown.body).to.deep.equal({ error: 'NOT_FOUND', message: 'Không tìm thấy / Not found' });
    });
  });
}

describe('session cookies behind https', function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ MOTCUA_PUBLIC_BASE_URL: 'https://motcua.example.gov.vn' });
  });
  after(async () => {
    await server?.close();
  });

  it('are Secure when the public address is https', async () => {
    const response = await server.request('POST', '/api/auth/login', {
      body: { username: 'citizen.an', password: DEMO_PASSWORD },
    });
    const cookies = cookiesOf(response.headers);
    expect(cookies.get('motcua_session')!.attributes).to.include.members(['Secure', 'HttpOnly', 'SameSite=Lax']);
    expect(cookies.get('motcua_csrf')!.attributes).to.include('Secure');
  });
});

describe('client addresses behind a trusted reverse proxy (MOTCUA_TRUST_PROXY)', function () {
  this.timeout(60_000);

  const failFiveTimes = async (server: TestServer, forwardedFor: string): Promise<void> => {
    for (let attempt = 0; attempt < LOGIN_MAX_FAILURES; attempt++) {
      await server.request('POST', '/api/auth/login', {
        body: { username: 'kinhbac.leader', password: 'wrong password' },
        headers: { 'x-forwarded-for': forwardedFor },
      });
    }
  };
  const loginFrom = async (server: TestServer, forwardedFor: string): Promise<number> =>
    (
      await server.request('POST', '/api/auth/login', {
        body: { username: 'kinhbac.leader', password: DEMO_PASSWORD },
        headers: { 'x-forwarded-for': forwardedFor },
      })
    ).status;

  it('locks a username per client address given by the proxy when the proxy is trusted', async () => {
    const server = await startTestServer({ MOTCUA_TRUST_PROXY: 'loopback' });
    try {
      await failFiveTimes(server, '203.0.113.5');
      expect(await loginFrom(server, '203.0.113.5')).to.equal(429);
      expect(await loginFrom(server, '203.0.113.6')).to.equal(200);
    } finally {
      await server.close();
    }
  });

  it('ignores X-Forwarded-For from an untrusted peer', async () => {
    const server = await startTestServer();
    try {
      await failFiveTimes(server, '203.0.113.5');
      expect(await loginFrom(server, '203.0.113.6')).to.equal(429);
    } finally {
      await server.close();
    }
  });
});
