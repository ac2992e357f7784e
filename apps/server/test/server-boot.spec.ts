import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

describe('npm start: the compiled server (scripts/build.js, then plain node on apps/server/dist)', function () {
  this.timeout(60_000);
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'motcua-server-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('comes up healthy on plain node and shuts down gracefully on SIGTERM', async () => {
    const built = spawnSync(process.execPath, ['scripts/build.js'], { cwd: root, encoding: 'utf8' });
    expect(built.status, built.stderr).to.equal(0);
    // The node command of `npm start` (after its prestart build), as package.json has it.
    const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const [program, ...args] = scripts.start.replace(/^exec\s+/, '').split(/\s+/);
    expect(program).to.equal('node');
    expect(args[args.length - 1]).to.equal('apps/server/dist/main.js');
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        MOTCUA_DATA_DIR: dataDir,
        MOTCUA_HTTP_HOST: '127.0.0.1',
        MOTCUA_HTTP_PORT: '0',
        MOTCUA_ENGINE_HOST: '127.0.0.1',
        MOTCUA_ENGINE_PORT: '0',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let stderr = '';
    try {
      const port = await new Promise<number>((resolve, reject) => {
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          const match = /motcua api listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
          if (match) resolve(Number(match[1]));
        });
        void exited.then((code) => reject(new Error(`the server exited (${code}):\n${stderr}`)));
      });
      let response = await fetch(`http://127.0.0.1:${port}/api/health`);
      for (let attempt = 0; attempt < 100 && response.status !== 200; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        response = await fetch(`http://127.0.0.1:${port}/api/health`);
      }
      expect(response.status).to.equal(200);
      expect(((await response.json()) as { status: string }).status).to.equal('ok');
      // The reference bundles were found from the compiled tree (processes/, forms/ at the repository root).
      const catalogue = (await (await fetch(`http://127.0.0.1:${port}/api/services`)).json()) as {
        services: unknown[];
      };
      expect(catalogue.services).to.have.length.greaterThan(0);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, stderr).to.equal(0);
    expect(stderr).to.include('SIGTERM received, shutting down');
  });
});
