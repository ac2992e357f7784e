import { errorPointer, errorTexts, explainingValidator, usefulErrors } from '../catalogue/json-schema-check.ts';
import type { JsonSchema } from '../catalogue/bundle.ts';
import type { FieldError } from '../common/domain-error.ts';

const validator = explainingValidator();

/**
 * Every problem of a form against its JSON Schema (jsonschema), each with the JSON pointer of the field (below
 * `base`, the form's place in the request body) and a message in Vietnamese and English. [] when valid.
 */
export function formErrors(form: unknown, schema: JsonSchema, base = '/form'): FieldError[] {
  const result = validator.validate(form, schema as never, { nestedErrors: false });
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const error of usefulErrors(result.errors)) {
    const field = errorPointer(base, error);
    const { vi, en } = errorTexts(error);
    const message = `${vi} / ${en}`;
    const key = `${field}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push({ field, message });
  }
  return errors;
}
