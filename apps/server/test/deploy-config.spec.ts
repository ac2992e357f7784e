import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CamundaEnvironmentVariableDictionary } from '@camunda8/sdk/dist/lib/Configuration.js';
import { ConfigError, loadConfig, VARIABLES } from '../src/config/config.ts';
import type { MotcuaConfig, S3FilesConfig } from '../src/config/config.ts';

/**
 * The production shape in deploy/ (docker compose, Dockerfile, Helm values) checked statically
 * against the config module, so that it cannot drift: no engine runs containers here, so nothing is
 * started — every variable motcua's services get is read from the files and validated instead.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const yaml = (path: string): Record<string, unknown> => parse(read(path), { merge: true }) as Record<string, unknown>;

type Env = Record<string, string>;
type Tree = Record<string, unknown>;

const MOTCUA_NAMES = new Set(VARIABLES.map((variable) => variable.name));
const CLIENT_NAMES = new Set<string>(CamundaEnvironmentVariableDictionary);
/** Variables for Node itself, not for motcua. */
const RUNTIME_NAMES = new Set(['NODE_ENV']);

/** Problems with the names of one service's environment: every name must be one motcua or its Zeebe client reads. */
function unknownNames(env: Env): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(env)) {
    if (name.startsWith('MOTCUA_TEST_')) problems.push(`${name} is a test-only variable`);
    else if (name.startsWith('MOTCUA_') || name === 'DATABASE_URL') {
      if (!MOTCUA_NAMES.has(name)) problems.push(`${name} is not in VARIABLES (apps/server/src/config/config.ts)`);
    } else if (name.startsWith('ZEEBE_') || name.startsWith('CAMUNDA_')) {
      if (!CLIENT_NAMES.has(name)) problems.push(`${name} is not one of @camunda8/sdk's environment variables`);
    } else if (!RUNTIME_NAMES.has(name)) problems.push(`${name} is read by neither motcua nor its Zeebe client`);
  }
  return problems;
}

/** loadConfig with a readable failure: the ConfigError message names the variable. */
function configOf(env: Env, where: string): MotcuaConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) expect.fail(`${where}: ${error.message}`);
    throw error;
  }
}

/** `KEY=VALUE` lines of an env file; commented `# KEY=VALUE` lines are the optional ones it documents. */
function dotenv(text: string): { set: Env; optional: Env } {
  const set: Env = {};
  const optional: Env = {};
  for (const line of text.split('\n')) {
    const active = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    const commented = /^#\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (active) set[active[1]] = active[2];
    else if (commented) optional[commented[1]] = commented[2];
  }
  return { set, optional };
}

const INTERPOLATION = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Docker compose's interpolation of one string: $$, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, ${VAR:+x}. */
function interpolate(text: string, vars: Env, where: string): string {
  return text.replace(INTERPOLATION, (match, braced?: string, operator?: string, argument?: string, bare?: string) => {
    if (match === '$$') return '$';
    const name = (braced ?? bare) as string;
    const value = vars[name];
    const unset = operator?.startsWith(':') ? !value : value === undefined;
    switch (operator?.replace(':', '')) {
      case '-':
        return unset ? (argument as string) : value;
      case '?':
        if (unset)
          expect.fail(`${where}: \${${name}} is required (${argument}) and deploy/.env.example does not set it`);
        return value;
      case '+':
        return unset ? '' : (argument as string);
      default:
        return value ?? '';
    }
  });
}

/** Every name a parsed compose file interpolates (in its strings, not its comments). */
function referencedVariables(node: unknown, names = new Set<string>()): Set<string> {
  if (typeof node === 'string') {
    for (const match of node.matchAll(INTERPOLATION)) if (match[0] !== '$$') names.add(match[1] ?? match[4]);
  } else if (node && typeof node === 'object') {
    for (const value of Object.values(node)) referencedVariables(value, names);
  }
  return names;
}

/** Interpolates every string of a parsed compose file, as docker compose does before anything else. */
function interpolateTree(node: unknown, vars: Env, where: string): unknown {
  if (typeof node === 'string') return interpolate(node, vars, where);
  if (Array.isArray(node)) return node.map((item) => interpolateTree(item, vars, where));
  if (node && typeof node === 'object')
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, interpolateTree(value, vars, `${where}.${key}`)]),
    );
  return node;
}

/** A compose `environment` (map or KEY=VALUE list) as a map of strings. */
function environmentOf(service: Tree, where: string): Env {
  const environment = service.environment;
  if (environment === undefined) return {};
  const entries: [string, unknown][] = Array.isArray(environment)
    ? environment.map((item: string) => {
        const at = item.indexOf('=');
        return at < 0 ? [item, null] : [item.slice(0, at), item.slice(at + 1)];
      })
    : Object.entries(environment as Tree);
  const env: Env = {};
  for (const [name, value] of entries) {
    if (value === null || value === undefined) expect.fail(`${where}: ${name} has no value (taken from the shell)`);
    env[name] = String(value);
  }
  return env;
}

/** The ENV instructions of a Dockerfile's final stage: the image's defaults, under every container's own environment. */
function dockerfileEnv(text: string): Env {
  const env: Env = {};
  const finalStage = text.slice(text.search(/^FROM [^\n]*$(?![\s\S]*^FROM )/m));
  const instructions = finalStage.replace(/\\\n/g, ' ').split('\n');
  for (const instruction of instructions) {
    const match = /^\s*ENV\s+(.*)$/.exec(instruction);
    if (!match) continue;
    for (const pair of match[1].trim().split(/\s+/)) {
      const at = pair.indexOf('=');
      expect(at, `Dockerfile ENV ${pair}: use the NAME=value form`).to.be.greaterThan(0);
      env[pair.slice(0, at)] = pair.slice(at + 1);
    }
  }
  return env;
}

const services = (compose: Tree): Record<string, Tree> => compose.services as Record<string, Tree>;
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|PRIVATE_KEY/;
/** The password of a URL with credentials (scheme://user:password@host). */
const urlPassword = (value: string): string | undefined => /^[a-z][a-z0-9+.-]*:\/\/[^/:@]*:([^@]*)@/.exec(value)?.[1];
const requiredPlaceholder = /^\$\{[A-Z][A-Z0-9_]*:\?[^}]+\}$/;

describe('deploy/: the production shape matches the config module', () => {
  const envExample = dotenv(read('deploy/.env.example'));
  const imageEnv = dockerfileEnv(read('deploy/Dockerfile'));
  const rawBase = yaml('deploy/docker-compose.yml');
  const rawSigning = yaml('deploy/docker-compose.signing.yml');
  const base = interpolateTree(rawBase, envExample.set, 'docker-compose.yml') as Tree;
  const signing = interpolateTree(
    rawSigning,
    { ...envExample.set, ...envExample.optional },
    'docker-compose.signing.yml',
  ) as Tree;

  /** The environment a motcua container gets: the image's ENV under the compose file's. */
  const containerEnv = (service: string, ...overlays: Tree[]): Env => {
    let env: Env = { ...imageEnv };
    for (const compose of [base, ...overlays]) {
      const definition = services(compose)[service];
      if (definition) env = { ...env, ...environmentOf(definition, `compose service ${service}`) };
    }
    return env;
  };

  describe('docker compose', () => {
    it('runs the api and workers roles as separate services built from deploy/Dockerfile', () => {
      const motcua = Object.entries(services(base))
        .filter(([, service]) => (service.build as Tree | undefined)?.dockerfile === 'deploy/Dockerfile')
        .map(([name]) => name);
      expect(motcua.sort()).to.deep.equal(['api', 'workers']);
      expect(services(base).api.image).to.equal(services(base).workers.image);
    });

    for (const [service, role] of [
      ['api', 'api'],
      ['workers', 'workers'],
    ] as const) {
      it(`sets only variables motcua or its Zeebe client knows, with values loadConfig accepts (${service})`, () => {
        for (const overlays of [[], [signing]]) {
          const env = containerEnv(service, ...overlays);
          expect(unknownNames(env), `compose service ${service}`).to.deep.equal([]);
          const config = configOf(env, `compose service ${service}`);
          expect([...config.roles], 'one role per service, never the embedded engine').to.deep.equal([role]);
          expect(config.zeebe.embedded).to.equal(false);
          expect(config.zeebe.address).to.equal('grpc://zeebe:26500');
          expect(config.database.type).to.equal('mysql');
          expect(env.CAMUNDA_AUTH_STRATEGY).to.equal('NONE');
          expect(config.demoSeed, 'no demo users in production').to.equal(false);
        }
      });
    }

    it('keeps the dossier files in the bucket minio-init creates, with the key it creates; no shared volume', () => {
      const init = environmentOf(services(base)['minio-init'], 'minio-init');
      for (const name of ['api', 'workers']) {
        const config = configOf(containerEnv(name), name);
        expect(config.files.type, `${name}: files in the object store`).to.equal('s3');
        const files = config.files as S3FilesConfig;
        const endpoint = new URL(files.endpoint);
        expect(endpoint.hostname).to.equal('minio');
        expect(endpoint.port).to.equal('9000');
        expect(files.bucket).to.equal(init.FILES_BUCKET);
        expect(files.credentials?.accessKeyId).to.equal(init.FILES_ACCESS_KEY_ID);
        expect(files.credentials?.secretAccessKey).to.equal(init.FILES_SECRET_ACCESS_KEY);
        expect(files.credentials?.accessKeyId, 'a key of its own, not the MinIO root account').not.to.equal(
          init.MINIO_ROOT_USER,
        );
        const service = services(base)[name];
        expect(service, `${name}: no shared volume`).not.to.have.property('volumes');
        const tmpfs = (service.tmpfs as string[]).map((mount) => mount.split(':')[0]);
        expect(tmpfs, `${name}: the data dir itself is private scratch`).to.deep.equal([config.dataDir]);
      }
      const command = String((services(base)['minio-init'].command as string[]).join(' '));
      expect(command).to.contain('mc admin user add store "$FILES_ACCESS_KEY_ID" "$FILES_SECRET_ACCESS_KEY"');
      expect(command).to.contain('mc admin policy attach store motcua-files --user "$FILES_ACCESS_KEY_ID"');
      expect((services(base).api.depends_on as Record<string, { condition: string }>)['minio-init'].condition).to.equal(
        'service_completed_successfully',
      );
      expect(base.volumes).not.to.have.property('motcua-files');
    });

    it('signs with keys from Docker secrets when docker-compose.signing.yml is added', () => {
      const config = configOf(containerEnv('workers', signing), 'workers with signing');
      const mounted = (services(signing).workers.secrets as string[]).map((name) => `/run/secrets/${name}`);
      expect(mounted).to.include.members([
        config.signing.keyPath,
        config.signing.certPath,
        ...config.signing.chainPaths,
      ]);
      const declared = Object.keys(signing.secrets as Tree);
      expect(declared.sort()).to.deep.equal((services(signing).workers.secrets as string[]).sort());
    });

    it('publishes the api on its HTTP port, listening on every interface of its container', () => {
      const config = configOf(containerEnv('api'), 'api');
      expect(config.http.host).to.equal('0.0.0.0');
      const ports = (services(base).api.ports as string[]).map(String);
      expect(ports.map((port) => port.split(':').at(-1))).to.include(String(config.http.port));
    });

    it('scales the workers: replicas, no published port, no fixed container name', () => {
      const workers = services(base).workers;
      expect((workers.deploy as Tree).replicas)
        .to.be.a('number')
        .and.at.least(1);
      expect(workers).not.to.have.property('ports');
      expect(workers).not.to.have.property('container_name');
    });

    it('starts motcua once MySQL and Zeebe are healthy, the workers after the api has migrated the schema', () => {
      for (const name of ['api', 'workers']) {
        const dependsOn = services(base)[name].depends_on as Record<string, { condition: string }>;
        expect(dependsOn.mysql.condition, name).to.equal('service_healthy');
        expect(dependsOn.zeebe.condition, name).to.equal('service_healthy');
      }
      expect((services(base).workers.depends_on as Record<string, { condition: string }>).api.condition).to.equal(
        'service_healthy',
      );
    });

    it('runs a single-node Zeebe 8.5 broker with its embedded gateway on the port motcua dials, and no exporter', () => {
      const zeebe = services(base).zeebe;
      expect(zeebe.image).to.match(/^camunda\/zeebe:8\.5\.\d+$/);
      const env = environmentOf(zeebe, 'zeebe');
      expect(env.ZEEBE_BROKER_GATEWAY_ENABLE).to.equal('true');
      expect(env.ZEEBE_BROKER_CLUSTER_CLUSTERSIZE).to.equal('1');
      expect(env.ZEEBE_BROKER_CLUSTER_REPLICATIONFACTOR).to.equal('1');
      expect(Object.keys(env).filter((name) => name.startsWith('ZEEBE_BROKER_EXPORTERS_'))).to.deep.equal([]);
      const dialled = new URL(configOf(containerEnv('workers'), 'workers').zeebe.address);
      expect(dialled.hostname).to.equal('zeebe');
      expect(dialled.port).to.equal(env.ZEEBE_BROKER_GATEWAY_NETWORK_PORT);
      expect(zeebe.healthcheck).to.have.property('test');
      const images = Object.values(services(base)).map((service) => String(service.image));
      expect(images.filter((image) => /operate|tasklist|elasticsearch|opensearch/.test(image))).to.deep.equal([]);
    });

    it('runs MySQL 8 in utf8mb4 on a named volume, with the database and user DATABASE_URL names', () => {
      const mysql = services(base).mysql;
      expect(mysql.image).to.match(/^mysql:8\.(0|4)(\.\d+)?$/);
      expect(mysql.command).to.include('--character-set-server=utf8mb4');
      expect(mysql.healthcheck).to.have.property('test');
      const volume = String((mysql.volumes as string[])[0]).split(':')[0];
      expect(base.volumes).to.have.property(volume);
      const env = environmentOf(mysql, 'mysql');
      const url = new URL(containerEnv('api').DATABASE_URL);
      expect(url.hostname).to.equal('mysql');
      expect(url.pathname).to.equal(`/${env.MYSQL_DATABASE}`);
      expect(url.username).to.equal(env.MYSQL_USER);
      expect(url.password).to.equal(env.MYSQL_PASSWORD);
    });

    it('provides an S3-compatible object store whose bucket an init job creates', () => {
      const minio = services(base).minio;
      expect(minio.image).to.match(/minio\/minio:RELEASE\./);
      expect(minio.healthcheck).to.have.property('test');
      const init = services(base)['minio-init'];
      expect(init.image).to.match(/minio\/mc:RELEASE\./);
      expect((init.depends_on as Record<string, { condition: string }>).minio.condition).to.equal('service_healthy');
      expect(String((init.command as string[]).join(' '))).to.contain('mc mb --ignore-existing');
      expect(init.restart).to.equal('no');
    });

    it('keeps secrets out of the repository: passwords are required ${VAR:?...} placeholders', () => {
      for (const [file, compose] of [
        ['docker-compose.yml', rawBase],
        ['docker-compose.signing.yml', rawSigning],
      ] as const) {
        for (const [name, service] of Object.entries(services(compose))) {
          for (const [variable, value] of Object.entries(environmentOf(service, `${file} ${name}`))) {
            if (SECRET_NAME.test(variable)) expect(value, `${file} ${name}.${variable}`).to.match(requiredPlaceholder);
            const password = urlPassword(value);
            if (password !== undefined) expect(password, `${file} ${name}.${variable}`).to.match(requiredPlaceholder);
          }
        }
      }
      for (const [variable, value] of Object.entries(envExample.set)) {
        if (SECRET_NAME.test(variable)) expect(value, `.env.example ${variable}`).to.equal('CHANGE-ME');
      }
      expect(read('deploy/.gitignore').split('\n')).to.include('.env');
    });

    it('documents in deploy/.env.example every variable the compose files interpolate, and nothing else', () => {
      const referenced = new Set([...referencedVariables(rawBase), ...referencedVariables(rawSigning)]);
      const documented = new Set([...Object.keys(envExample.set), ...Object.keys(envExample.optional)]);
      expect([...referenced].filter((name) => !documented.has(name))).to.deep.equal([]);
      expect([...documented].filter((name) => !referenced.has(name))).to.deep.equal([]);
      // A MOTCUA_ name there is passed through to the setting of the same name, so it must be one.
      expect([...documented].filter((name) => name.startsWith('MOTCUA_') && !MOTCUA_NAMES.has(name))).to.deep.equal([]);
    });
  });

  describe('Helm', () => {
    const values = yaml('deploy/helm/motcua/values.yaml');
    const camunda = yaml('deploy/helm/camunda-platform-values.yaml');
    const templatesDir = join(root, 'deploy/helm/motcua/templates');
    const templates = readdirSync(templatesDir).map((name) => ({
      name,
      text: readFileSync(join(templatesDir, name), 'utf8'),
    }));
    const secretEnv = values.secretEnv as { name: string; secretName: string; key: string; example: string }[];
    const signingValues = values.signing as { secretName: string; env: Env };

    /** The environment of a pod of one role: image ENV, shared ConfigMap, role settings, Secrets (their examples), signing. */
    const podEnv = (role: 'api' | 'workers', withSigning: boolean): Env => ({
      ...imageEnv,
      ...(values.env as Env),
      ...((values[role] as Tree).env as Env),
      ...Object.fromEntries(secretEnv.map((entry) => [entry.name, entry.example])),
      ...(withSigning && role === 'workers' ? signingValues.env : {}),
    });

    for (const role of ['api', 'workers'] as const) {
      it(`sets only variables motcua or its Zeebe client knows, with values loadConfig accepts (${role})`, () => {
        for (const withSigning of [false, true]) {
          const env = podEnv(role, withSigning);
          expect(unknownNames(env), `helm ${role}`).to.deep.equal([]);
          const config = configOf(env, `helm ${role}${withSigning ? ' with signing' : ''}`);
          expect([...config.roles], 'one role per Deployment, never the embedded engine').to.deep.equal([role]);
          expect(config.zeebe.embedded).to.equal(false);
          expect(config.database.type).to.equal('mysql');
          expect(config.demoSeed, 'no demo users in production').to.equal(false);
          expect(config.files.type, 'files in the S3 bucket, shared by every pod').to.equal('s3');
          expect((values[role] as Tree).replicas)
            .to.be.a('number')
            .and.at.least(1);
        }
      });
    }

    it('keeps secrets in Kubernetes Secrets: none in the plain settings, every Secret reference complete', () => {
      for (const env of [values.env as Env, (values.api as Tree).env as Env, (values.workers as Tree).env as Env]) {
        for (const [name, value] of Object.entries(env)) {
          expect(SECRET_NAME.test(name), `${name} belongs in secretEnv`).to.equal(false);
          expect(urlPassword(String(value)), `${name} carries a password: put it in secretEnv`).to.equal(undefined);
        }
      }
      expect(secretEnv.map((entry) => entry.name)).to.include.members([
        'DATABASE_URL',
        'MOTCUA_FILES_S3_ACCESS_KEY_ID',
        'MOTCUA_FILES_S3_SECRET_ACCESS_KEY',
      ]);
      for (const entry of secretEnv) expect(entry).to.include.all.keys('name', 'secretName', 'key', 'example');
    });

    it('points motcua at the gateway of the Zeebe 8.5 release it documents, with only Zeebe enabled there', () => {
      const address = new URL(configOf(podEnv('workers', false), 'helm workers').zeebe.address);
      const release = /helm install (\S+) camunda\/camunda-platform/.exec(
        read('deploy/helm/camunda-platform-values.yaml'),
      );
      expect(release, 'the helm install line of camunda-platform-values.yaml').to.not.equal(null);
      expect(address.hostname).to.equal(`${release?.[1]}-zeebe-gateway`);
      expect(address.port).to.equal('26500');
      const composeZeebe = String(services(base).zeebe.image).split(':')[1];
      const zeebe = camunda.zeebe as Tree;
      expect(zeebe.enabled).to.equal(true);
      expect((zeebe.image as Tree).tag, 'the same Zeebe 8.5 patch in compose and Helm').to.equal(composeZeebe);
      expect(((camunda.zeebeGateway as Tree).image as Tree).tag).to.equal(composeZeebe);
      for (const component of [
        'operate',
        'tasklist',
        'optimize',
        'identity',
        'identityKeycloak',
        'connectors',
        'elasticsearch',
        'webModeler',
        'console',
      ]) {
        expect((camunda[component] as Tree).enabled, component).to.equal(false);
      }
      expect(((camunda.global as Tree).elasticsearch as Tree).enabled).to.equal(false);
    });

    it('has templates that read only values that exist, set no variable of their own and close every block', () => {
      expect(templates.map((template) => template.name)).to.include.members([
        'api-deployment.tpl',
        'api-service.tpl',
        'workers-deployment.tpl',
        'configmap.tpl',
      ]);
      for (const { name, text } of templates) {
        for (const match of text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
          let node: unknown = values;
          for (const key of match[1].slice(1).split('.')) node = (node as Tree | undefined)?.[key];
          expect(node, `${name}: .Values${match[1]} is not in values.yaml`).to.not.equal(undefined);
        }
        expect(text.match(/- name: [A-Z][A-Z0-9_]+\s*$/gm), `${name} sets a variable outside values.yaml`).to.equal(
          null,
        );
        const opened = text.match(/\{\{-?\s*(if|range|with|define|block)\b/g)?.length ?? 0;
        const closed = text.match(/\{\{-?\s*end\s*-?\}\}/g)?.length ?? 0;
        expect(closed, `${name}: blocks opened and closed`).to.equal(opened);
      }
    });
  });

  describe('README', () => {
    it("lists every configuration variable with its default in the root README's Configuration table", () => {
      const readme = read('README.md');
      const section = readme.slice(
        readme.indexOf('\n## Configuration\n'),
        readme.indexOf('\n## ', readme.indexOf('\n## Configuration\n') + 1),
      );
      const rows = section
        .split('\n')
        .filter((line) => line.startsWith('|'))
        .map((line) =>
          line
            .slice(1, -1)
            .split('|')
            .map((cell) => cell.trim()),
        );
      for (const variable of VARIABLES) {
        const row = rows.find((cells) => cells[0] === `\`${variable.name}\``);
        expect(row, `README Configuration row for ${variable.name}`).to.not.equal(undefined);
        expect(row?.[1].replaceAll('`', ''), `default of ${variable.name}`).to.equal(variable.default);
        expect(row?.[2], `meaning of ${variable.name}`).to.not.equal('');
      }
      const listed = rows.map((cells) => /^`(MOTCUA_[A-Z0-9_]+)`$/.exec(cells[0])?.[1]).filter(Boolean) as string[];
      expect(listed.filter((name) => !MOTCUA_NAMES.has(name) && !name.startsWith('MOTCUA_TEST_'))).to.deep.equal([]);
    });

    it('says how to run the compose file, and the root README points there', () => {
      expect(read('deploy/README.md')).to.contain('docker compose -f deploy/docker-compose.yml up');
      expect(read('README.md')).to.contain('(deploy/README.md)');
    });
  });
});
