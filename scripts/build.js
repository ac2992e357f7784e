// Ahead-of-time build: compiles the TypeScript that runs in production (apps/server/src and libs/*/src, spec files
// excepted) to JavaScript, so `npm start`, `npm run engine` and `npm run create-admin` run plain node without a
// run-time transpiler. `node scripts/build.js [--force]`; npm runs it before those scripts (prestart, ...).
//
// - Each package compiles into its own `dist/` beside `src/` (apps/server/src/x/y.ts → apps/server/dist/x/y.js):
//   bare imports then resolve through the same node_modules folders as the sources (libs/engine/node_modules holds
//   other versions than the root), and every path a module builds from `import.meta.url` ('../../../..' to the
//   repository root, '../package.json') has the same depth as in src/.
// - The server imports the libraries by package name: each lib's package.json maps "." to dist/index.js under the
//   `motcua-compiled` export condition (and to src/index.ts otherwise, for tsc, mocha and eslint); the npm scripts
//   run node with `--conditions=motcua-compiled`.
// - swc with the options @swc-node/register derives from tsconfig.json (legacy decorators with design:* metadata,
//   which Nest's dependency injection reads, no define semantics for class fields, class names kept), plus
//   `.ts` → `.js` in relative import specifiers. Relative imports of other files (JSON) are pointed back at the
//   file in src/ (or wherever it is): nothing but JavaScript is copied.
// - Source maps beside each file (x.js.map, pointing at the .ts); `node --enable-source-maps` uses them.
// - Incremental: a file is compiled again only when its source is newer than its output, or when this script or the
//   swc version changed (dist/.build-stamp); outputs whose source is gone are removed.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Name of the output folder in each package (beside src/). */
export const OUT_DIR = 'dist';
/** The export condition under which the libs' package.json point at their dist/ (node --conditions=...). */
export const COMPILED_CONDITION = 'motcua-compiled';
const STAMP = '.build-stamp';

/**
 * swc options, as @swc-node/register (what mocha and the benches run the sources with) derives them from
 * tsconfig.json: target ES2022, experimentalDecorators → legacy decorators, emitDecoratorMetadata → design:type and
 * design:paramtypes metadata, useDefineForClassFields false, keepClassNames, import attributes kept
 * (`with { type: 'json' }`). apps/server/test/build.spec.ts checks these against tsconfig.json.
 */
export const SWC_OPTIONS = {
  swcrc: false,
  configFile: false,
  isModule: true,
  sourceMaps: true,
  inlineSourcesContent: false,
  jsc: {
    target: 'es2022',
    externalHelpers: false,
    keepClassNames: true,
    parser: { syntax: 'typescript', tsx: false, decorators: true, dynamicImport: true },
    transform: {
      legacyDecorator: true,
      decoratorVersion: '2021-12',
      decoratorMetadata: true,
      useDefineForClassFields: false,
    },
    experimental: { keepImportAttributes: true },
    rewriteRelativeImportExtensions: true,
  },
  module: { type: 'es6' },
};

/** The packages compiled: the server and every lib with a src/ folder (a web app would bring its own bundler). */
export function packages(root = ROOT) {
  const libs = readdirSync(join(root, 'libs'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, 'libs', entry.name, 'src')))
    .map((entry) => `libs/${entry.name}`)
    .sort();
  return ['apps/server', ...libs];
}

const isSource = (name) => /\.ts$/.test(name) && !/\.d\.ts$/.test(name) && !/\.(spec|test)\.ts$/.test(name);

/** Relative paths (with /) of the sources under dir. */
function listSources(dir, prefix = '') {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const rel = prefix + entry.name;
    if (entry.isDirectory()) found.push(...listSources(join(dir, entry.name), `${rel}/`));
    else if (entry.isFile() && isSource(entry.name)) found.push(rel);
  }
  return found;
}

/** Every file under dir, relative (with /). */
function listOutputs(dir, prefix = '') {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + entry.name;
    if (entry.isDirectory()) found.push(...listOutputs(join(dir, entry.name), `${rel}/`));
    else found.push(rel);
  }
  return found;
}

/** Removes the empty folders under dir (not dir itself). */
function removeEmptyFolders(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const inner = join(dir, entry.name);
    removeEmptyFolders(inner);
    if (readdirSync(inner).length === 0) rmdirSync(inner);
  }
}

const mtime = (file) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
};

const toPosix = (path) => path.split(sep).join('/');

function relativeSpecifier(fromDir, target) {
  const rel = toPosix(relative(fromDir, target));
  return rel.startsWith('.') ? rel : `./${rel}`;
}

// Static import/export declarations as swc prints them: one per line, at the start of the line.
const STATIC_IMPORT = /^((?:import|export)\b[^'"\n]*?\bfrom\s*|import\s*)(['"])(\.\.?\/[^'"\n]*)\2/gm;

/**
 * Points the relative specifiers that do not name a compiled module (a JSON file beside the source, say) at that
 * file where it is, seen from the output's folder. Imports of compiled modules (.js, after swc's rewrite) stay.
 */
function retargetAssets(code, sourceFile, outFile, compiled) {
  const sourceDir = dirname(sourceFile);
  return code.replace(STATIC_IMPORT, (whole, head, quote, specifier) => {
    const target = resolve(sourceDir, specifier);
    if (/\.js$/.test(specifier) && compiled.has(target.replace(/\.js$/, '.ts'))) return whole;
    return `${head}${quote}${relativeSpecifier(dirname(outFile), target)}${quote}`;
  });
}

function writeAtomically(file, content) {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}

async function compile(swc, job, compiled) {
  const { source, out } = job;
  const before = mtime(source);
  const text = readFileSync(source, 'utf8');
  const result = await swc.transform(text, { ...SWC_OPTIONS, filename: source });
  const code = retargetAssets(result.code, source, out, compiled);
  const map = JSON.parse(result.map);
  map.file = basename(out);
  map.sources = [relativeSpecifier(dirname(out), source).replace(/^\.\//, '')];
  mkdirSync(dirname(out), { recursive: true });
  writeAtomically(`${out}.map`, JSON.stringify(map));
  writeAtomically(out, `${code.replace(/\n?$/, '\n')}//# sourceMappingURL=${basename(out)}.map\n`);
  // Edited while being compiled: leave no output that looks newer than its source.
  if (mtime(source) !== before) rmSync(out, { force: true });
}

function buildStamp(root) {
  const swcVersion = JSON.parse(readFileSync(join(root, 'node_modules/@swc/core/package.json'), 'utf8')).version;
  return createHash('sha256')
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .update(`\0${swcVersion}`)
    .digest('hex');
}

/**
 * Compiles what is out of date, removes outputs whose source is gone. Resolves to the counts; rejects with every
 * compile error (their outputs removed, so nothing stale runs).
 */
export async function build({ root = ROOT, force = false } = {}) {
  const started = performance.now();
  const stamp = buildStamp(root);
  const jobs = [];
  const compiled = new Set();
  const stampsToWrite = [];
  let removed = 0;
  for (const pkg of packages(root)) {
    const srcDir = join(root, pkg, 'src');
    const outDir = join(root, pkg, OUT_DIR);
    const stampFile = join(outDir, STAMP);
    const current = !force && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
    if (!current) stampsToWrite.push(stampFile);
    const expected = new Set([STAMP]);
    for (const rel of listSources(srcDir)) {
      const source = join(srcDir, rel);
      const outRel = rel.replace(/\.ts$/, '.js');
      const out = join(outDir, outRel);
      expected.add(outRel).add(`${outRel}.map`);
      compiled.add(source);
      const outTime = mtime(out);
      if (current && outTime !== undefined && outTime >= mtime(source) && mtime(`${out}.map`) !== undefined) continue;
      jobs.push({ source, out });
    }
    if (existsSync(outDir)) {
      for (const rel of listOutputs(outDir)) {
        if (expected.has(rel)) continue;
        // Another build's file being written (see writeAtomically); one left behind by a crash goes later.
        if (/\.\d+\.tmp$/.test(rel) && Date.now() - (mtime(join(outDir, rel)) ?? 0) < 60_000) continue;
        rmSync(join(outDir, rel), { force: true });
        removed++;
      }
      removeEmptyFolders(outDir);
    }
  }
  const errors = [];
  if (jobs.length > 0) {
    // Loaded only when there is something to compile: an up-to-date check stays a few stat calls.
    const swc = createRequire(join(root, 'package.json'))('@swc/core');
    await Promise.all(
      jobs.map((job) =>
        compile(swc, job, compiled).catch((error) => {
          rmSync(job.out, { force: true });
          errors.push(`${relative(root, job.source)}: ${error.message ?? error}`);
        }),
      ),
    );
  }
  if (errors.length > 0) throw new Error(`build failed:\n${errors.join('\n')}`);
  for (const stampFile of stampsToWrite) {
    mkdirSync(dirname(stampFile), { recursive: true });
    writeAtomically(stampFile, stamp);
  }
  return { compiled: jobs.length, removed, ms: performance.now() - started };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const unknown = process.argv.slice(2).filter((arg) => arg !== '--force');
  if (unknown.length > 0) {
    process.stderr.write(`usage: node scripts/build.js [--force]\n`);
    process.exit(2);
  }
  try {
    const { compiled, removed, ms } = await build({ force: process.argv.includes('--force') });
    if (compiled > 0 || removed > 0)
      process.stderr.write(`build: ${compiled} compiled, ${removed} removed, in ${Math.round(ms)} ms\n`);
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
