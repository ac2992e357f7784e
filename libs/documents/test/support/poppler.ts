// Real verifiers and extractors for the specs: poppler-utils (pdfsig, pdftotext, pdffonts, pdfinfo, pdftoppm) and
// NSS's certutil (libnss3-tools), from Debian. `.ci/run` installs them.

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

// Poppler repairs a damaged file (a wrong cross-reference offset, a missing trailer) and goes on, saying so on
// stderr: a spec must not pass on a repaired file.
const REPAIRED = /Syntax Error|Internal Error|xref/i;

async function run(command: string, args: string[], options: { allowFailure?: boolean } = {}): Promise<string> {
  let stdout: string;
  let stderr: string;
  try {
    ({ stdout, stderr } = await execFileAsync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20 }));
  } catch (error) {
    const failure = error as { code?: unknown; stdout?: string; stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new Error(`${command} is not installed: apt-get install -y poppler-utils libnss3-tools (see .ci/run)`);
    }
    if (!options.allowFailure || typeof failure.stdout !== 'string') {
      throw new Error(`${command} ${args.join(' ')} failed: ${failure.stderr ?? String(error)}`);
    }
    stdout = failure.stdout;
    stderr = failure.stderr ?? '';
  }
  if (REPAIRED.test(stderr)) throw new Error(`${command} ${args.join(' ')} found a damaged file: ${stderr}`);
  return stdout;
}

/** A temporary directory for one spec, removed by `dispose`. */
export interface Scratch {
  dir: string;
  write(name: string, bytes: Uint8Array | string): Promise<string>;
  dispose(): Promise<void>;
}

export async function scratch(): Promise<Scratch> {
  const dir = await mkdtemp(join(tmpdir(), 'motcua-documents-'));
  return {
    dir,
    async write(name, bytes) {
      const path = join(dir, name);
      await writeFile(path, bytes);
      return path;
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** What pdfsig reports about one signature. */
export interface PdfsigSignature {
  fieldName: string;
  signerCommonName: string;
  signatureType: string;
  validation: string;
  certificateValidation: string;
  totalDocumentSigned: boolean;
}

/** Runs pdfsig on `path` (with an NSS database of trusted roots, if given) and parses its report. */
export async function pdfsig(path: string, nssDir?: string): Promise<PdfsigSignature[]> {
  const args = nssDir ? ['-nssdir', `sql:${nssDir}`, path] : [path];
  // pdfsig exits non-zero when it finds no signature; the report says why
  const report = await run('pdfsig', args, { allowFailure: true });
  return report
    .split(/^Signature #\d+:$/m)
    .slice(1)
    .map((block) => {
      const field = (name: string) => new RegExp(`^\\s*- ${name}: (.*)$`, 'm').exec(block)?.[1]?.trim() ?? '';
      return {
        fieldName: field('Signature Field Name'),
        signerCommonName: field('Signer Certificate Common Name'),
        signatureType: field('Signature Type'),
        validation: field('Signature Validation'),
        certificateValidation: field('Certificate Validation'),
        totalDocumentSigned: /^\s*- Total document signed$/m.test(block),
      };
    });
}

/** An NSS database under `dir` that trusts `caPem` as a root for document signing. */
export async function nssDatabaseTrusting(dir: string, caPem: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const caPath = join(dir, 'ca.pem');
  await writeFile(caPath, caPem);
  await run('certutil', ['-N', '--empty-password', '-d', `sql:${dir}`]);
  await run('certutil', ['-A', '-n', 'motcua-test-ca', '-t', 'CT,C,C', '-i', caPath, '-d', `sql:${dir}`]);
  return dir;
}

/** The text of a PDF, or of one page, as pdftotext extracts it (UTF-8, reading order). */
export function pdftotext(path: string, page?: number): Promise<string> {
  const pages = page === undefined ? [] : ['-f', String(page), '-l', String(page)];
  return run('pdftotext', ['-enc', 'UTF-8', ...pages, path, '-']);
}

export async function pageCount(path: string): Promise<number> {
  const info = await run('pdfinfo', [path]);
  return Number(/^Pages:\s+(\d+)$/m.exec(info)?.[1]);
}

export interface PdfFont {
  name: string;
  type: string;
  embedded: boolean;
  subset: boolean;
  unicode: boolean;
}

export async function pdffonts(path: string): Promise<PdfFont[]> {
  const lines = (await run('pdffonts', [path])).trimEnd().split('\n').slice(2);
  return lines.map((line) => {
    const columns = line.trim().split(/\s+/);
    const [emb, sub, uni] = columns.slice(-5, -2);
    return {
      name: columns[0]!,
      type: columns.slice(1, -6).join(' '),
      embedded: emb === 'yes',
      subset: sub === 'yes',
      unicode: uni === 'yes',
    };
  });
}

/** Page `page` (1-based) rendered as RGB pixels at `dpi`, through pdftoppm's PPM output. */
export async function renderPage(
  path: string,
  page: number,
  dpi: number,
): Promise<{ width: number; height: number; data: Uint8Array }> {
  const { stdout } = await execFileAsync(
    'pdftoppm',
    ['-r', String(dpi), '-f', String(page), '-l', String(page), path],
    { encoding: 'buffer', maxBuffer: 256 << 20 },
  );
  // P6 <width> <height> <maxval> then width*height*3 bytes
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(stdout.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error('pdftoppm did not produce a PPM image');
  const width = Number(header[1]);
  const height = Number(header[2]);
  return {
    width,
    height,
    data: new Uint8Array(stdout.subarray(header[0].length, header[0].length + width * height * 3)),
  };
}
