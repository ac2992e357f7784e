import { createHash } from 'node:crypto';
import type { Bundle } from './bundle.ts';

/** JSON with object keys sorted at every level, so equal documents give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * SHA-256 (hex) of a bundle's content: the BPMN text, the metadata and the forms. The effective date is not content:
 * publishing the same content again is the same version.
 */
export function bundleChecksum(bundle: Pick<Bundle, 'bpmn' | 'metadata' | 'forms'>): string {
  return createHash('sha256')
    .update(canonicalJson({ bpmn: bundle.bpmn, metadata: bundle.metadata, forms: bundle.forms }))
    .digest('hex');
}
