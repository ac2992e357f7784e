// Minimal resolver for eslint-plugin-import (interface v2), used only by `import/no-restricted-paths`.
// The stock node resolver cannot map NodeNext-style `./x.js` specifiers to `./x.ts` sources, and it keeps
// workspace symlinks (node_modules/@motcua/*), which would hide an import of apps/* behind a package name.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { isBuiltin } = require('node:module');

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json'];

function isFile(file) {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function isDirectory(dir) {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function resolveFile(base) {
  const candidates = [base];
  const jsToTs = base.replace(/\.(m|c)?js$/, (_, kind) => `.${kind ?? ''}ts`);
  if (jsToTs !== base) candidates.push(jsToTs, jsToTs + 'x');
  for (const ext of EXTENSIONS) candidates.push(base + ext);
  for (const ext of EXTENSIONS) candidates.push(path.join(base, 'index' + ext));
  return candidates.find(isFile);
}

// Bare specifier: the package folder found by the node_modules walk (a directory is enough for zones).
function resolvePackage(source, fromDir) {
  const parts = source.split('/');
  const nameLength = source.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const subpath = parts.slice(nameLength).join('/');
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const pkgDir = path.join(dir, 'node_modules', name);
    if (isDirectory(pkgDir)) {
      const target = subpath ? path.join(pkgDir, subpath) : pkgDir;
      return resolveFile(target) ?? (fs.existsSync(target) ? target : pkgDir);
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

exports.interfaceVersion = 2;

exports.resolve = function resolve(source, file) {
  if (isBuiltin(source)) return { found: true, path: null };
  const fromDir = path.dirname(file);
  const resolved =
    source.startsWith('.') || path.isAbsolute(source)
      ? resolveFile(path.resolve(fromDir, source))
      : resolvePackage(source, fromDir);
  if (!resolved) return { found: false };
  return { found: true, path: fs.realpathSync(resolved) };
};
