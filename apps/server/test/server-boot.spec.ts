import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.ts';
import { startServer } from '../src/server.ts';
import type { RunningServer } from '../src/server.ts';

describe('the server started with every role (npm start)', function () {
  this.timeout(60_000);
  let dataDir: string;
  let server: RunningServer;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'motcua-server-'));
    server = await startServer(
      loadConfig({ MOTCUA_DATA_DIR: dataDir, MOTCUA_HTTP_PORT: '0', MOTCUA_ENGINE_PORT: '0' }),
    );
  });
  after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports healthy once the database, the embedded engine and the workers are ready', async () => {
    // Readiness is asynchronous (job streams open after start): poll, bounded.
    let response = await fetch(`http://127.0.0.1:${server.httpPort}/api/health`);
    for (let attempt = 0; attempt < 100 && response.status !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      response = await fetch(`http://127.0.0.1:${server.httpPort}/api/health`);
    }
    expect(response.status).to.equal(200);
    const body = (await response.json()) as { status: string; checks: Record<string, boolean> };
    expect(body.status).to.equal('ok');
    expect(body.checks).to.include({ database: true, engine: true });
  });

  it('answers the liveness probe without touching the database', async () => {
    const response = await fetch(`http://127.0.0.1:${server.httpPort}/api/health/live`);
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({});
  });

  it('serves its OpenAPI document', async () => {
    const document = (await (await fetch(`http://127.0.0.1:${server.httpPort}/api/openapi.json`)).json()) as {
      openapi: string;
      paths: object;
    };
    expect(document.openapi).to.match(/^3\./);
    expect(document.paths).to.have.property('/api/health');
  });

  it('refuses a second server on the same data dir', async () => {
    const second = await startServer(
      loadConfig({ MOTCUA_DATA_DIR: dataDir, MOTCUA_HTTP_PORT: '0', MOTCUA_ENGINE_PORT: '0' }),
    ).then(
      () => 'started',
      (error: Error) => error.message,
    );
    expect(second).to.match(/in use by another motcua server \(pid \d+\)/);
  });
});
