import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bundle, BundleMetadata, JsonSchema } from './bundle.ts';

/** The repository root, from this file's place (apps/server/src/catalogue), whatever the working directory. */
export const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** One reference bundle on disk: processes/<slug>/{process.bpmn,metadata.json} and forms/<slug>/. */
export interface ReferenceBundle {
  slug: string;
  bundle: Bundle;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** The slugs of processes/ that hold a metadata.json, sorted. */
export function referenceBundleSlugs(root: string = REPOSITORY_ROOT): string[] {
  const processes = join(root, 'processes');
  if (!existsSync(processes)) return [];
  return readdirSync(processes, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(processes, entry.name, 'metadata.json')))
    .map((entry) => entry.name)
    .sort();
}

/**
 * Reads one bundle folder as the publishing API receives it. Throws naming the file when one is missing or is
 * not JSON; everything else (completeness, validity) is the validator's job.
 */
export function readReferenceBundle(slug: string, root: string = REPOSITORY_ROOT): ReferenceBundle {
  const processDir = join(root, 'processes', slug);
  const formsDir = join(root, 'forms', slug);
  const bpmnFile = join(processDir, 'process.bpmn');
  let bpmn: string;
  try {
    bpmn = readFileSync(bpmnFile, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${bpmnFile}: ${(error as Error).message}`, { cause: error });
  }
  const metadata = readJson(join(processDir, 'metadata.json')) as BundleMetadata;
  const formFiles = (metadata?.forms ?? {}) as Partial<BundleMetadata['forms']>;
  const submission = readJson(join(formsDir, formFiles.submission ?? 'submission.json')) as JsonSchema;
  const tasks: Record<string, JsonSchema> = {};
  for (const [formKey, file] of Object.entries(formFiles.tasks ?? {})) {
    tasks[formKey] = readJson(join(formsDir, file)) as JsonSchema;
  }
  return { slug, bundle: { bpmn, metadata, forms: { submission, tasks } } };
}
