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

  it('takes the dossier code pattern from MOTCUA_DOSSIER_CODE_PATTERN and refuses one that cannot keep codes unique', () => {
    expect(loadConfig({}).dossierCodePattern).to.have.length(5);
    expect(
      loadConfig({ MOTCUA_DOSSIER_CODE_PATTERN: '{agency}.{YYYY}{MM}{DD}.{NNNNN}' }).dossierCodePattern,
    ).to.deep.equal([
      { field: 'agency' },
      { literal: '.' },
      { field: 'YYYY' },
      { field: 'MM' },
      { field: 'DD' },
      { literal: '.' },
      { sequenceDigits: 5 },
    ]);
    expect(() => loadConfig({ MOTCUA_DOSSIER_CODE_PATTERN: '{agency}-{NNNN}' })).to.throw(
      ConfigError,
      "MOTCUA_DOSSIER_CODE_PATTERN='{agency}-{NNNN}' is not valid: the code must name the day",
    );
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

  it('keeps dossier files under the data dir unless MOTCUA_FILES_S3_ENDPOINT names an S3 store', () => {
    expect(loadConfig({ MOTCUA_DATA_DIR: '/srv/motcua' }).files).to.deep.equal({
      type: 'filesystem',
      root: '/srv/motcua/files',
    });
    const files = loadConfig({
      MOTCUA_FILES_S3_ENDPOINT: 'http://minio:9000',
      MOTCUA_FILES_S3_ACCESS_KEY_ID: 'motcua-files',
      MOTCUA_FILES_S3_SECRET_ACCESS_KEY: 'very-secret-key',
    }).files;
    expect(files).to.deep.include({
      type: 's3',
      endpoint: 'http://minio:9000',
      bucket: 'motcua-files',
      region: 'us-east-1',
      forcePathStyle: true,
    });
    expect(files.type === 's3' && files.credentials?.secretAccessKey).to.equal('very-secret-key');
    // the secret is not enumerable: serialising or logging the configuration does not show it
    expect(JSON.stringify(files)).not.to.contain('very-secret-key');
    const noKeys = loadConfig({
      MOTCUA_FILES_S3_ENDPOINT: 'https://s3.example.gov.vn',
      MOTCUA_FILES_S3_BUCKET: 'ho-so',
      MOTCUA_FILES_S3_REGION: 'ap-southeast-1',
      MOTCUA_FILES_S3_FORCE_PATH_STYLE: 'false',
    }).files;
    expect(noKeys).to.deep.equal({
      type: 's3',
      endpoint: 'https://s3.example.gov.vn',
      bucket: 'ho-so',
      region: 'ap-southeast-1',
      forcePathStyle: false,
    });
  });

  it('names the S3 setting at fault without quoting a key', () => {
    const refuse = (env: Record<string, string>): string => {
      try {
        loadConfig(env);
      } catch (error) {
        expect(error).to.be.instanceOf(ConfigError);
        return (error as Error).message;
      }
      return expect.fail('expected a ConfigError');
    };
    const halfKey = refuse({
      MOTCUA_FILES_S3_ENDPOINT: 'http://minio:9000',
      MOTCUA_FILES_S3_SECRET_ACCESS_KEY: 's3cr3t',
    });
    expect(halfKey).to.match(
      /MOTCUA_FILES_S3_ACCESS_KEY_ID and MOTCUA_FILES_S3_SECRET_ACCESS_KEY must be set together/,
    );
    expect(halfKey).not.to.contain('s3cr3t');
    const inUrl = refuse({ MOTCUA_FILES_S3_ENDPOINT: 'http://user:s3cr3t@minio:9000' });
    expect(inUrl).to.match(/must not carry credentials/);
    expect(inUrl).not.to.contain('s3cr3t');
    const orphan = refuse({ MOTCUA_FILES_S3_SECRET_ACCESS_KEY: 's3cr3t' });
    expect(orphan).to.match(/MOTCUA_FILES_S3_SECRET_ACCESS_KEY set without MOTCUA_FILES_S3_ENDPOINT/);
    expect(orphan).not.to.contain('s3cr3t');
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
    [{ MOTCUA_FILES_S3_ENDPOINT: 'ftp://minio' }, /MOTCUA_FILES_S3_ENDPOINT must start with http:\/\/ or https:\/\//],
    [
      { MOTCUA_FILES_S3_ENDPOINT: 'http://minio:9000/motcua-files' },
      /MOTCUA_FILES_S3_ENDPOINT='http:\/\/minio:9000\/motcua-files' is not valid/,
    ],
    [
      { MOTCUA_FILES_S3_ENDPOINT: 'http://minio:9000', MOTCUA_FILES_S3_BUCKET: 'Ho_So' },
      /MOTCUA_FILES_S3_BUCKET='Ho_So' is not valid/,
    ],
    [
      { MOTCUA_FILES_S3_ENDPOINT: 'http://minio:9000', MOTCUA_FILES_S3_FORCE_PATH_STYLE: 'yes' },
      /MOTCUA_FILES_S3_FORCE_PATH_STYLE='yes' is not valid/,
    ],
    [{ MOTCUA_FILES_S3_BUCKET: 'ho-so' }, /MOTCUA_FILES_S3_BUCKET set without MOTCUA_FILES_S3_ENDPOINT/],
  ];
  for (const [env, message] of invalid) {
    it(`refuses ${JSON.stringify(env)} with a message naming the variable`, () => {
      expect(() => loadConfig(env)).to.throw(ConfigError, message);
    });
  }
});
