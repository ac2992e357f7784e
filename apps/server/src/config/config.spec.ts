import { expect } from 'chai';
import { ConfigError, loadConfig } from './config.ts';

describe('the configuration', () => {
  it('defaults to every role on embedded SQLite, the engine on 26500 and HTTP on 127.0.0.1:3000', () => {
    const config = loadConfig({});
    expect([...config.roles]).to.deep.equal(['engine', 'api', 'workers']);
    expect(config.database.type).to.equal('sqlite');
    expect(config.engine.port).to.equal(26500);
    expect(config.http).to.deep.equal({ host: '127.0.0.1', port: 3000 });
    expect(config.zeebe.embedded).to.equal(true);
    expect(config.workers).to.deep.equal({ jobTimeoutMs: 60_000 });
  });

  it("takes the job workers' job timeout from MOTCUA_WORKER_JOB_TIMEOUT_MS", () => {
    expect(loadConfig({ MOTCUA_WORKER_JOB_TIMEOUT_MS: '3000' }).workers.jobTimeoutMs).to.equal(3_000);
    expect(loadConfig({ MOTCUA_WORKER_JOB_TIMEOUT_MS: '' }).workers.jobTimeoutMs).to.equal(60_000);
  });

  it('uses MySQL with DATABASE_URL and the client address without the engine role', () => {
    const config = loadConfig({
      DATABASE_URL: 'mysql://root@127.0.0.1:3306/motcua',
      MOTCUA_ROLES: 'api,workers',
      ZEEBE_GRPC_ADDRESS: 'grpc://zeebe:26500',
    });
    expect(config.database).to.deep.equal({ type: 'mysql', url: 'mysql://root@127.0.0.1:3306/motcua' });
    expect(config.zeebe).to.deep.equal({ address: 'grpc://zeebe:26500', embedded: false });
  });

  const invalid: [Record<string, string>, RegExp][] = [
    [{ MOTCUA_ROLES: 'engine,web' }, /MOTCUA_ROLES contains 'web'/],
    [{ MOTCUA_ROLES: ' , ' }, /MOTCUA_ROLES is empty/],
    [{ MOTCUA_HTTP_PORT: 'http' }, /MOTCUA_HTTP_PORT='http' is not valid/],
    [{ MOTCUA_ENGINE_PORT: '70000' }, /MOTCUA_ENGINE_PORT='70000' is not valid/],
    [{ DATABASE_URL: 'postgres://x' }, /DATABASE_URL must start with mysql:\/\//],
    [{ ZEEBE_GRPC_ADDRESS: 'not a url' }, /ZEEBE_GRPC_ADDRESS is not a valid URL/],
    [{ MOTCUA_SIGNING_KEY: '/k.pem' }, /must be set together/],
    [{ MOTCUA_WORKER_JOB_TIMEOUT_MS: '999' }, /MOTCUA_WORKER_JOB_TIMEOUT_MS='999' is not valid/],
    [{ MOTCUA_WORKER_JOB_TIMEOUT_MS: '1500.5' }, /MOTCUA_WORKER_JOB_TIMEOUT_MS='1500.5' is not valid/],
    [{ MOTCUA_HTTP_PROT: '1' }, /MOTCUA_HTTP_PROT is not a motcua setting/],
  ];
  for (const [env, message] of invalid) {
    it(`refuses ${JSON.stringify(env)} with a message naming the variable`, () => {
      expect(() => loadConfig(env)).to.throw(ConfigError, message);
    });
  }
});
