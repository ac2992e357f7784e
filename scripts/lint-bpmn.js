#!/usr/bin/env node
// Lints every .bpmn file of the repository with bpmnlint, so each diagram also deploys on a real Zeebe 8.5.
// Skips folders named `invalid` (deliberately broken fixtures). Usage: npm run lint:bpmn [-- file...]
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
// The same lint the server runs on every published bundle (libs/bpmn-lint); run with @swc-node/register.
import { isLintError, lintBpmn } from '@motcua/bpmn-lint';

const root = path.resolve(import.meta.dirname, '..');

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

async function main() {
  const args = process.argv.slice(2);
  const candidates = args.length ? args.map((file) => path.relative(root, path.resolve(file))) : repositoryFiles();
  const files = [...new Set(candidates)].filter(isLinted).sort();

  let errors = 0;
  let warnings = 0;
  for (const file of files) {
    for (const problem of await lintBpmn(readFileSync(path.resolve(root, file), 'utf8'))) {
      if (isLintError(problem)) errors++;
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
