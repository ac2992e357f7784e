import { expect } from 'chai';
import { PUBLIC_EXTENSION } from '../src/auth/auth.decorators.ts';
import { startTestServer } from './support/test-server.ts';
import type { TestServer } from './support/test-server.ts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Operation {
  method: string;
  path: string;
  isPublic: boolean;
}

/** Every operation the server documents, with path parameters filled with a well-formed id. */
async function operations(server: TestServer): Promise<Operation[]> {
  const document = (await server.request('GET', '/api/openapi.json')).body as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };
  const found: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      found.push({
        method: method.toUpperCase(),
        path: path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000'),
        isPublic: operation[PUBLIC_EXTENSION] === true,
      });
    }
  }
  return found;
}

describe('security by default, over every documented endpoint', function () {
  this.timeout(120_000);
  let server: TestServer;
  let all: Operation[];
  before(async () => {
    server = await startTestServer();
    all = await operations(server);
  });
  after(async () => {
    await server?.close();
  });

  it('documents the endpoints, some of them public', () => {
    expect(all.length).to.be.greaterThan(10);
    expect(all.filter((operation) => operation.isPublic).map((operation) => operation.path)).to.include.members([
      '/api/health',
      '/api/auth/login',
      '/api/auth/register',
    ]);
  });

  it('names no framework (X-Powered-By) and sends no ETag, on public and authenticated answers', async () => {
    const token = await server.login('citizen.an');
    for (const response of [
      await server.request('GET', '/api/services'),
      await server.request('GET', '/api/dossiers/mine', { token }),
    ]) {
      expect(response.status).to.equal(200);
      expect(response.headers.get('x-powered-by')).to.equal(null);
      expect(response.headers.get('etag')).to.equal(null);
    }
  });

  it('answers 401 to every endpoint not marked @Public() when called without a login', async () => {
    const open: string[] = [];
    for (const { method, path, isPublic } of all) {
      if (isPublic) continue;
      const response = await server.request(method, path, { body: method === 'GET' ? undefined : {} });
      if (response.status !== 401 || response.body.error !== 'UNAUTHENTICATED') open.push(`${method} ${path}`);
    }
    expect(open).to.deep.equal([]);
  });

  it('answers 403 to every state-changing endpoint called with a session cookie but no CSRF token', async () => {
    const login = await server.request('POST', '/api/auth/login', {
      body: { username: 'admin', password: 'motcua-demo-2025' },
    });
    const cookie = login.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    const unprotected: string[] = [];
    for (const { method, path, isPublic } of all) {
      if (isPublic || method === 'GET') continue;
      const response = await server.request(method, path, { body: {}, headers: { cookie } });
      if (response.status !== 403 || response.body.error !== 'CSRF_TOKEN_INVALID')
        unprotected.push(`${method} ${path}`);
    }
    expect(unprotected).to.deep.equal([]);
  });

  it('answers 403 to a citizen on every administrator endpoint', async () => {
    const token = await server.login('citizen.an');
    const allowed: string[] = [];
    for (const { method, path } of all.filter((operation) => operation.path.startsWith('/api/admin/'))) {
      const response = await server.request(method, path, { token, body: method === 'GET' ? undefined : {} });
      if (response.status !== 403) allowed.push(`${method} ${path} → ${response.status}`);
    }
    expect(allowed).to.deep.equal([]);
  });
});
