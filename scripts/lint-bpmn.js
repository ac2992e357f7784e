#!/usr/bin/env node
// Lints every .bpmn file of the repository with bpmnlint, so each diagram also deploys on a real Zeebe 8.5.
// Skips folders named `invalid` (deliberately broken fixtures). Usage: node scripts/lint-bpmn.js [file...]
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import bpmnlint from 'bpmnlint';
import NodeResolver from 'bpmnlint/lib/resolver/node-resolver.js';

const root = path.resolve(import.meta.dirname, '..');
const rootRequire = createRequire(path.join(root, 'package.json'));
// zeebe-bpmn-moddle is a dependency of the engine; resolving from there finds it hoisted or not.
const engineRequire = createRequire(path.join(root, 'libs/engine/package.json'));
// The bpmn-moddle that bpmnlint itself reads with (the root one may be another version, pulled by bpmn-engine).
const { BpmnModdle } = createRequire(rootRequire.resolve('bpmnlint'))('bpmn-moddle');

// Camunda 8.5 compatibility is the contract (ARCHITECTURE.md). From bpmnlint:recommended only the rules whose
// violation is a broken diagram; its style rules (labels, DI, implicit splits/ends) would reject hand-written
// test fixtures that Zeebe runs fine.
const config = {
  extends: ['plugin:camunda-compat/camunda-cloud-8-5'],
  rules: {
    'bpmnlint/conditional-flows': 'error',
    'bpmnlint/event-sub-process-typed-start-event': 'error',
    'bpmnlint/no-disconnected': 'error',
    'bpmnlint/no-duplicate-sequence-flows': 'error',
    'bpmnlint/single-event-definition': 'error',
    'bpmnlint/sub-process-blank-start-event': 'error',
  },
};

const SKIP_DIRS = new Set(['node_modules', '.git', 'data', '.tmp', 'coverage', 'dist']);

function isLinted(file) {
  return file.endsWith('.bpmn') && !file.split(/[\\/]/).slice(0, -1).includes('invalid');
}

function walk(dir, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) walk(full, found);
    } else if (entry.isFile()) {
      found.push(path.relative(root, full));
    }
  }
  return found;
}

// Tracked plus untracked-but-not-ignored files; a directory walk where there is no git checkout.
function repositoryFiles() {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return [...new Set(out.split('\0').filter(Boolean))].filter((file) => existsSync(path.join(root, file)));
  } catch {
    return walk(root);
  }
}

const resolver = new NodeResolver({ require: rootRequire });

function zeebeModdleExtension() {
  const file = engineRequire.resolve('zeebe-bpmn-moddle/resources/zeebe.json');
  return JSON.parse(readFileSync(file, 'utf8'));
}

async function lintFile(file, moddle) {
  const xml = readFileSync(path.resolve(root, file), 'utf8');
  let parsed;
  try {
    parsed = await moddle.fromXML(xml, 'bpmn:Definitions');
  } catch (error) {
    return [{ id: '', message: `cannot parse: ${error.message.split('\n')[0]}`, rule: 'parse', category: 'error' }];
  }
  const problems = (parsed.warnings ?? []).map((warning) => ({
    id: warning.element?.id ?? '',
    message: `import warning: ${warning.message.split('\n')[0]}`,
    rule: 'import',
    category: 'error',
  }));
  // One linter per file, as bpmnlint's CLI does: some rules keep state across the elements they visit.
  const linter = new bpmnlint.Linter({ config, resolver });
  const results = await linter.lint(parsed.rootElement);
  for (const [rule, reports] of Object.entries(results)) {
    for (const report of reports) {
      problems.push({ id: report.id ?? '', message: report.message, rule, category: report.category });
    }
  }
  return problems;
}

async function main() {
  const args = process.argv.slice(2);
  const candidates = args.length ? args.map((file) => path.relative(root, path.resolve(file))) : repositoryFiles();
  const files = [...new Set(candidates)].filter(isLinted).sort();

  const moddle = new BpmnModdle({ zeebe: zeebeModdleExtension() });

  let errors = 0;
  let warnings = 0;
  for (const file of files) {
    for (const problem of await lintFile(file, moddle)) {
      // 'rule-error': a rule crashed on this diagram; never let that pass silently.
      if (problem.category === 'error' || problem.category === 'rule-error') errors++;
      else warnings++;
      const level = problem.category === 'error' ? '' : ` [${problem.category}]`;
      console.log(`${file}: ${problem.id || '-'}: ${problem.message} (${problem.rule})${level}`);
    }
  }

  const summary = `${files.length} BPMN ${files.length === 1 ? 'file' : 'files'} linted`;
  if (errors + warnings === 0) console.log(`${summary}, 0 problems`);
  else console.log(`${summary}, ${errors + warnings} problems (${errors} errors, ${warnings} warnings)`);
  process.exitCode = errors > 0 ? 1 : 0;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
