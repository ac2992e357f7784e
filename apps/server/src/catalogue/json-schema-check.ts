import { Validator } from 'jsonschema';
import type { ValidationError, ValidatorResult } from 'jsonschema';
import draft04 from './json-schema-drafts/draft-04.json' with { type: 'json' };
import draft06 from './json-schema-drafts/draft-06.json' with { type: 'json' };
import draft07 from './json-schema-drafts/draft-07.json' with { type: 'json' };
import { pointer, pointerToken } from './bundle.ts';
import type { BundleProblem } from './bundle.ts';

/**
 * Checks that a document is a JSON Schema the server can validate submissions with (jsonschema 1.5): a schema
 * object, valid against the meta-schema of the draft it declares in `$schema` (draft-07 when it declares none;
 * drafts 04, 06 and 07 are supported), whose every `$ref` points inside the document.
 */

const META_SCHEMAS: Record<string, object> = {
  'json-schema.org/draft-04/schema': draft04,
  'json-schema.org/draft-06/schema': draft06,
  'json-schema.org/draft-07/schema': draft07,
};

function metaSchemaKey(uri: string): string {
  return uri.replace(/^https?:\/\//, '').replace(/#$/, '');
}

type Keyword = (
  this: Validator,
  instance: unknown,
  schema: Record<string, unknown>,
  options: object,
  ctx: unknown,
) => ValidatorResult | string | null | undefined;

// Weight of an error when choosing the alternative a document meant: a wrong discriminator (`kind`), type or a property of
// another alternative says "not this one" far more than a missing value does.
function errorWeight(error: ValidationError): number {
  return ['const', 'enum', 'type', 'additionalProperties'].includes(error.name) ? 10 : 1;
}

/**
 * A jsonschema Validator whose failed `oneOf` / `anyOf` report the errors of the alternative the document comes
 * closest to ("workingDays must be >= 1") instead of "is not exactly one from [subschema 0],[subschema 1]".
 */
export function explainingValidator(): Validator {
  const validator = new Validator();
  const builtIn = Object.getPrototypeOf(validator.attributes) as Record<string, Keyword>;
  const attributes = validator.attributes as unknown as Record<string, Keyword>;
  for (const keyword of ['oneOf', 'anyOf']) {
    attributes[keyword] = function (this: Validator, instance, schema, options, ctx) {
      const result = builtIn[keyword].call(this, instance, schema, options, ctx);
      if (!result || typeof result === 'string' || result.valid) return result;
      const validateSchema = (this as unknown as { validateSchema: Keyword }).validateSchema;
      const outcomes = (schema[keyword] as object[]).map(
        (branch) =>
          validateSchema.call(this, instance, branch as Record<string, unknown>, options, ctx) as ValidatorResult,
      );
      // oneOf matching several alternatives: the generic message is the right one.
      if (outcomes.some((outcome) => outcome.valid)) return result;
      const score = (outcome: ValidatorResult): number =>
        outcome.errors.reduce((sum, error) => sum + errorWeight(error), 0);
      return outcomes.reduce((best, outcome) => (score(outcome) < score(best) ? outcome : best));
    };
  }
  return validator;
}

/** `jsonschema`'s error path as a JSON pointer below `base`. */
export function errorPointer(base: string, error: ValidationError): string {
  const path = error.path.map((token) => `/${pointerToken(token)}`).join('');
  // A missing required property is reported on its parent: point at the property itself.
  if (error.name === 'required' && typeof error.argument === 'string')
    return `${base}${path}${pointer(error.argument)}`;
  if (error.name === 'additionalProperties' && typeof error.argument === 'string') {
    return `${base}${path}${pointer(error.argument)}`;
  }
  return `${base}${path}`;
}

/** One jsonschema error in Vietnamese and English; the English part is jsonschema's own message. */
export function errorTexts(error: ValidationError): { vi: string; en: string } {
  const name = String(error.argument);
  switch (error.name) {
    case 'required':
      return { vi: `thiếu trường bắt buộc "${name}"`, en: `missing required property "${name}"` };
    case 'additionalProperties':
      return { vi: `trường "${name}" không được phép`, en: `property "${name}" is not allowed` };
    case 'type':
      return { vi: 'sai kiểu dữ liệu', en: error.message };
    case 'enum':
    case 'const':
      return { vi: 'giá trị không nằm trong danh sách cho phép', en: error.message };
    default:
      return { vi: 'giá trị không hợp lệ', en: error.message };
  }
}

/**
 * Keeps the errors a person can act on: an `allOf` summary repeats the nested errors that jsonschema also reports
 * at the same place, so it is dropped when those are there.
 */
export function usefulErrors(errors: ValidationError[]): ValidationError[] {
  return errors.filter(
    (error) =>
      error.name !== 'allOf' ||
      !errors.some((other) => other !== error && other.path.join('/').startsWith(error.path.join('/'))),
  );
}

function decodePointer(ref: string): string[] | undefined {
  if (ref === '#') return [];
  if (!ref.startsWith('#/')) return undefined;
  try {
    return decodeURIComponent(ref.slice(2))
      .split('/')
      .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
  } catch {
    return undefined;
  }
}

function resolves(root: unknown, tokens: string[]): boolean {
  let node: unknown = root;
  for (const token of tokens) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, token)) return false;
    node = (node as Record<string, unknown>)[token];
  }
  return node !== undefined;
}

/** Every `$ref` of the schema that does not point inside it (external references are not fetched). */
function checkRefs(root: unknown, node: unknown, at: string, problems: BundleProblem[]): void {
  if (Array.isArray(node)) {
    node.forEach((item, index) => checkRefs(root, item, `${at}/${index}`, problems));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    const here = `${at}/${pointerToken(key)}`;
    if (key === '$ref' && typeof value === 'string') {
      const tokens = decodePointer(value);
      if (!tokens || !resolves(root, tokens)) {
        problems.push({
          path: here,
          message:
            `Tham chiếu "${value}" không trỏ tới phần nào của biểu mẫu / ` +
            `Reference "${value}" does not point inside the schema (only local "#/..." references are allowed)`,
          rule: 'json-schema',
        });
      }
    } else {
      checkRefs(root, value, here, problems);
    }
  }
}

/** Problems of one JSON Schema found at `at` (a JSON pointer into the bundle); [] when it is usable. */
export function checkJsonSchema(schema: unknown, at: string): BundleProblem[] {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    return [
      {
        path: at,
        message: 'Biểu mẫu phải là một đối tượng JSON Schema / The form must be a JSON Schema object',
        rule: 'json-schema',
      },
    ];
  }
  const declared = (schema as Record<string, unknown>).$schema;
  let meta: object = draft07;
  if (declared !== undefined) {
    const known = typeof declared === 'string' ? META_SCHEMAS[metaSchemaKey(declared)] : undefined;
    if (!known) {
      return [
        {
          path: `${at}/$schema`,
          message:
            `Phiên bản JSON Schema "${String(declared)}" không được hỗ trợ (dùng draft-07) / ` +
            `JSON Schema version "${String(declared)}" is not supported (use draft-07; 04 and 06 are accepted)`,
          rule: 'json-schema',
        },
      ];
    }
    meta = known;
  }
  const validator = explainingValidator();
  const result = validator.validate(schema, meta, { nestedErrors: false });
  const problems: BundleProblem[] = usefulErrors(result.errors).map((error) => ({
    path: errorPointer(at, error),
    message: `JSON Schema không hợp lệ: ${errorTexts(error).vi} / Invalid JSON Schema: ${errorTexts(error).en}`,
    rule: 'json-schema',
  }));
  checkRefs(schema, schema, at, problems);
  if (problems.length === 0) {
    // Last guard: the validator that will check submissions must be able to compile it.
    try {
      validator.validate({}, schema);
    } catch (error) {
      problems.push({
        path: at,
        message: `JSON Schema không dùng được / Unusable JSON Schema: ${(error as Error).message}`,
        rule: 'json-schema',
      });
    }
  }
  return problems;
}
