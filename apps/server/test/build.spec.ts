import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readDefaultTsConfig, tsCompilerOptionsToSwcConfig } from '@swc-node/register/read-default-tsconfig';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BUILD_SCRIPT = join(ROOT, 'scripts/build.js');

interface BuildModule {
  SWC_OPTIONS: {
    jsc: {
      target: string;
      keepClassNames: boolean;
      transform: { legacyDecorator: boolean; decoratorMetadata: boolean; useDefineForClassFields: boolean };
    };
  };
  COMPILED_CONDITION: string;
  OUT_DIR: string;
  packages(root?: string): string[];
  build(options?: { root?: string; force?: boolean }): Promise<{ compiled: number; removed: number }>;
}

/** scripts/build.js is plain JavaScript (it runs before anything is compiled): loaded untyped, typed here. */
const loadBuild = async (): Promise<BuildModule> => (await import(pathToFileURL(BUILD_SCRIPT).href)) as BuildModule;

/** The node arguments of `npm start` (after its prestart build), from package.json. */
function npmStartArgs(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const words = scripts.start.replace(/^exec\s+/, '').split(/\s+/);
  expect(words[0]).to.equal('node');
  return words.slice(1);
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

describe('the ahead-of-time build (scripts/build.js, what npm start runs first)', function () {
  this.timeout(60_000);

  it('compiles with the options @swc-node/register derives from tsconfig.json (legacy decorators and metadata)', async () => {
    const { SWC_OPTIONS } = await loadBuild();
    const fromTsconfig = tsCompilerOptionsToSwcConfig(readDefaultTsConfig(join(ROOT, 'tsconfig.json')), 'x.ts');
    expect(SWC_OPTIONS.jsc.target).to.equal(fromTsconfig.target);
    expect(SWC_OPTIONS.jsc.transform.legacyDecorator).to.equal(fromTsconfig.experimentalDecorators);
    expect(SWC_OPTIONS.jsc.transform.decoratorMetadata).to.equal(fromTsconfig.emitDecoratorMetadata);
    expect(SWC_OPTIONS.jsc.transform.useDefineForClassFields).to.equal(fromTsconfig.useDefineForClassFields);
    expect(SWC_OPTIONS.jsc.keepClassNames).to.equal(fromTsconfig.keepClassNames);
  });

  it('maps every compiled lib to its dist/ under the export condition npm start runs node with', async () => {
    const { COMPILED_CONDITION, OUT_DIR, packages } = await loadBuild();
    expect(npmStartArgs()).to.include(`--conditions=${COMPILED_CONDITION}`);
    const libs = packages().filter((name) => name.startsWith('libs/'));
    expect(libs).to.include('libs/engine');
    for (const lib of libs) {
      const manifest = JSON.parse(readFileSync(join(ROOT, lib, 'package.json'), 'utf8')) as {
        exports: Record<string, Record<string, string>>;
      };
      expect(manifest.exports['.'], lib).to.deep.equal({
        [COMPILED_CONDITION]: `./${OUT_DIR}/index.js`,
        default: './src/index.ts',
      });
    }
  });

  describe('on a small tree', () => {
    let root: string;
    before(() => {
      root = mkdtempSync(join(tmpdir(), 'motcua-build-'));
      symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
      mkdirSync(join(root, 'libs'));
      write(
        join(root, 'apps/server/src/main.ts'),
        [
          "import 'reflect-metadata';",
          "import { Injectable } from '@nestjs/common';",
          "import { Helper } from './deep/helper.ts';",
          "import type { Shape } from './deep/helper.ts';",
          "import data from './data/values.json' with { type: 'json' };",
          '',
          '@Injectable()',
          'export class Service {',
          '  field?: string;',
          '  constructor(readonly helper: Helper) {}',
          '}',
          "const shape: Shape = { kind: 'x' };",
          "const params = (Reflect.getMetadata('design:paramtypes', Service) as { name: string }[]).map((t) => t.name);",
          'const own = Object.getOwnPropertyNames(new Service(new Helper()));',
          'console.log(JSON.stringify({ params, own, data, shape, name: Service.name, helper: new Helper().where() }));',
          '',
        ].join('\n'),
      );
      write(
        join(root, 'apps/server/src/deep/helper.ts'),
        [
          'export interface Shape { kind: string }',
          'export class Helper {',
          '  where(): string {',
          '    return new Error().stack!.split("\\n")[1];',
          '  }',
          '}',
          '',
        ].join('\n'),
      );
      write(join(root, 'apps/server/src/data/values.json'), '{ "answer": 42 }\n');
      write(join(root, 'apps/server/src/main.spec.ts'), 'throw new Error("a spec is not compiled");\n');
    });
    after(() => rmSync(root, { recursive: true, force: true }));

    it('emits JavaScript that plain node runs: decorator metadata, .ts specifiers, JSON beside the source, source maps', async () => {
      const { build } = await loadBuild();
      expect(await build({ root })).to.include({ compiled: 2, removed: 0 });
      expect(existsSync(join(root, 'apps/server/dist/main.spec.js'))).to.equal(false);
      expect(existsSync(join(root, 'apps/server/dist/data/values.json'))).to.equal(false);
      const run = spawnSync(process.execPath, ['--enable-source-maps', 'apps/server/dist/main.js'], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(run.stderr).to.equal('');
      const output = JSON.parse(run.stdout) as Record<string, unknown>;
      expect(output).to.deep.include({
        params: ['Helper'],
        own: ['helper'], // no define semantics: a declared field without initializer is no own property
        data: { answer: 42 },
        shape: { kind: 'x' },
        name: 'Service',
      });
      // The stack trace names the TypeScript source, through the source map.
      expect(output.helper).to.match(/apps\/server\/src\/deep\/helper\.ts:4:\d+/);
    });

    it('compiles again only what changed and removes outputs whose source is gone', async () => {
      const { build } = await loadBuild();
      await build({ root });
      expect(await build({ root })).to.include({ compiled: 0, removed: 0 });
      // As if the source had been edited after its output was written.
      const earlier = new Date(Date.now() - 60_000);
      utimesSync(join(root, 'apps/server/dist/deep/helper.js'), earlier, earlier);
      expect(await build({ root })).to.include({ compiled: 1, removed: 0 });
      rmSync(join(root, 'apps/server/src/deep/helper.ts'));
      expect(await build({ root })).to.include({ compiled: 0, removed: 2 }); // helper.js and helper.js.map
      expect(existsSync(join(root, 'apps/server/dist/deep'))).to.equal(false);
      expect(await build({ root, force: true })).to.include({ compiled: 1, removed: 0 });
    });
  });

  it('builds the repository: node loads the compiled libraries by package name, no TypeScript involved', () => {
    const built = spawnSync(process.execPath, [BUILD_SCRIPT], { cwd: ROOT, encoding: 'utf8' });
    expect(built.status, built.stderr).to.equal(0);
    expect(existsSync(join(ROOT, 'apps/server/dist/main.js'))).to.equal(true);
    expect(existsSync(join(ROOT, 'apps/server/dist/main.js.map'))).to.equal(true);
    const script = [
      "const names = ['@motcua/engine', '@motcua/calendar', '@motcua/documents', '@motcua/bpmn-lint'];",
      'const result = {};',
      'for (const name of names) {',
      '  const module = await import(name);',
      '  result[name] = { url: import.meta.resolve(name), exports: Object.keys(module).length };',
      '}',
      'console.log(JSON.stringify(result));',
    ].join('\n');
    // Plain node (no @swc-node/register): importing any .ts file would fail with ERR_UNKNOWN_FILE_EXTENSION.
    const run = spawnSync(
      process.execPath,
      [...npmStartArgs().filter((arg) => arg.startsWith('--')), '--input-type=module', '-e', script],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
    );
    expect(run.status, run.stderr).to.equal(0);
    const result = JSON.parse(run.stdout) as Record<string, { url: string; exports: number }>;
    for (const [name, { url, exports }] of Object.entries(result)) {
      expect(url, name).to.match(/\/libs\/[a-z-]+\/dist\/index\.js$/);
      expect(exports, name).to.be.greaterThan(0);
    }
  });
});
