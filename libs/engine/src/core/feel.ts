/**
 * FEEL support of the engine core, on top of feelin: syntax checking, evaluation against JSON variables,
 * the Camunda extension functions feelin lacks, and conversion of results back to JSON.
 * Pure: no I/O, no Node built-ins (only the JS globals TextEncoder, TextDecoder, atob, btoa and crypto.randomUUID).
 *
 * Compatibility notes (Zeebe 8.x / feel-scala vs feelin):
 * - Parsing does not depend on the variables: a name with spaces or special characters ('order-id') is only a
 *   variable when written in backticks (`order-id`), as in Zeebe; `order-id` stays a subtraction.
 * - A variable shadows a function of the same name (feelin resolves names from the context first), so a variable
 *   called `trim` makes `trim(x)` fail (null with a warning).
 * - Numbers are JS doubles (0.1 + 0.2 = 0.30000000000000004), not BigDecimals.
 */
import {
  FeelDate,
  FeelDateTime,
  FeelDuration,
  FeelFunction,
  FeelTime,
  evaluate,
  isFunction,
  isRange,
  parseDate,
  parseExpression,
  toFeel,
  type Warning,
} from 'feelin';
import type { Expression } from './model.ts';

/** feelin dialect: 'camunda' enables backtick-quoted names (`a b`). */
const DIALECT = 'camunda';

/**
 * Names (with spaces) of the Camunda extension functions added through the context. feelin's parser is
 * context-sensitive: a multi-word name only parses as one name when the parse context knows it.
 */
export const EXTENSION_FUNCTION_NAMES: readonly string[] = [
  'is defined',
  'get or else',
  'string join',
  'is empty',
  'is blank',
  'trim',
  'uuid',
  'to base64',
  'from base64',
  'duplicate values',
  'partition',
  'assert',
  'last day of month',
  'extract',
  'random number',
];

const PARSE_CONTEXT: Record<string, unknown> = Object.fromEntries(EXTENSION_FUNCTION_NAMES.map((name) => [name, null]));

type SyntaxTree = ReturnType<typeof parseExpression>;

function parse(source: string): SyntaxTree {
  return parseExpression(source, PARSE_CONTEXT, DIALECT);
}

function syntaxErrorOf(tree: SyntaxTree, source: string): string | undefined {
  if (source.trim() === '') return 'empty FEEL expression';
  let message: string | undefined;
  tree.iterate({
    enter(node) {
      if (message !== undefined) return false;
      if (!node.type.isError) return undefined;
      const parent = node.node.parent;
      const where = parent ? ` in <${parent.name}>` : '';
      message =
        node.from === node.to
          ? `incomplete expression${where} at position ${node.from}`
          : `unexpected '${source.slice(node.from, node.to)}'${where} at position ${node.from}`;
      return false;
    },
  });
  return message;
}

/**
 * Every name the expression looks up in its context (variables, functions, loop and parameter names), spelled as
 * feelin resolves them: backticks dropped, runs of spaces collapsed.
 */
function referencedNames(tree: SyntaxTree, source: string): string[] {
  const names = new Set<string>();
  tree.iterate({
    enter(node) {
      if (node.name !== 'VariableName') return undefined;
      names.add(source.slice(node.from, node.to).replace(/`/g, '').replace(/\s+/g, ' ').trim());
      return undefined;
    },
  });
  return [...names];
}

/** Undefined when `source` (FEEL text without the leading '=') parses as a FEEL expression; else a short message saying what is wrong. */
export function checkFeelSyntax(source: string): string | undefined {
  return syntaxErrorOf(parse(source), source);
}

export type FeelResult = { ok: true; value: unknown; warnings: string[] } | { ok: false; message: string };

/** Thrown by `assert()` inside an evaluation; becomes `{ ok: false }`. */
class FeelAssertionError extends Error {}

// ---------------------------------------------------------------------------------------------------------------
// Camunda extension functions
// ---------------------------------------------------------------------------------------------------------------

/** Where extension functions report why they returned null; set for the duration of one evaluation. */
let warningSink: string[] | undefined;

function warn(message: string): null {
  warningSink?.push(message);
  return null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** A key under which FEEL-equal values (numbers, strings, booleans, null, lists, contexts, temporals) coincide. */
function equalityKey(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'n';
  if (typeof value === 'string') return `s${JSON.stringify(value)}`;
  if (typeof value === 'number') return `d${value}`;
  if (typeof value === 'boolean') return `b${value}`;
  if (Array.isArray(value)) {
    const keys = value.map(equalityKey);
    return keys.includes(undefined) ? undefined : `[${keys.join(',')}]`;
  }
  if (value instanceof FeelDate) return `D${value.iso}`;
  if (value instanceof FeelTime) return `T${value.iso}`;
  if (value instanceof FeelDateTime) return `DT${value.iso}`;
  if (value instanceof FeelDuration) return `P${value.iso}`;
  if (isPlainObject(value)) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => [key, equalityKey(value[key])] as const);
    if (entries.some(([, key]) => key === undefined)) return undefined;
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${entry}`).join(',')}}`;
  }
  return undefined;
}

function stringJoin(list: unknown, delimiter?: unknown, prefix?: unknown, suffix?: unknown): string | null {
  if (!Array.isArray(list)) return warn('string join() expects a list of strings');
  if (prefix !== undefined && suffix === undefined) return warn('string join() takes 1, 2 or 4 arguments');
  const parts = [delimiter, prefix, suffix];
  if (parts.some((part) => part !== undefined && part !== null && typeof part !== 'string')) {
    return warn('string join() expects string delimiter, prefix and suffix');
  }
  const items = list.filter((item) => item !== null);
  if (items.some((item) => typeof item !== 'string')) return warn('string join() expects a list of strings');
  return `${(prefix as string | null | undefined) ?? ''}${items.join((delimiter as string | null | undefined) ?? '')}${(suffix as string | null | undefined) ?? ''}`;
}

function assertFn(value: unknown, condition?: unknown, cause?: unknown): unknown {
  if (condition === undefined) return warn('assert() expects a value and a condition');
  if (condition === true) return value;
  const reason = cause === undefined || cause === null ? 'The condition is not fulfilled' : String(cause);
  throw new FeelAssertionError(`Assertion failure: ${reason}`);
}

function duplicateValues(list: unknown): unknown[] | null {
  if (!Array.isArray(list)) return warn('duplicate values() expects a list');
  const seen = new Map<string, { value: unknown; count: number }>();
  for (const item of list) {
    const key = equalityKey(item);
    if (key === undefined) continue;
    const entry = seen.get(key);
    if (entry) entry.count += 1;
    else seen.set(key, { value: item, count: 1 });
  }
  return [...seen.values()].filter((entry) => entry.count > 1).map((entry) => entry.value);
}

function partition(list: unknown, size: unknown): unknown[][] | null {
  if (!Array.isArray(list)) return warn('partition() expects a list');
  if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) {
    return warn('partition() expects a positive whole size');
  }
  const parts: unknown[][] = [];
  for (let index = 0; index < list.length; index += size) parts.push(list.slice(index, index + size));
  return parts;
}

function lastDayOfMonth(value: unknown): FeelDate | null {
  if (!(value instanceof FeelDate) && !(value instanceof FeelDateTime)) {
    return warn('last day of month() expects a date or a date and time');
  }
  const { year, month } = value;
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  return parseDate(`${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`);
}

function extract(input: unknown, pattern: unknown): string[] | null {
  if (typeof input !== 'string' || typeof pattern !== 'string') return warn('extract() expects a string and a pattern');
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, 'g');
  } catch {
    return warn(`extract(): invalid pattern '${pattern}'`);
  }
  return Array.from(input.matchAll(regex), (match) => match[0]);
}

function toBase64(value: unknown): string | null {
  if (typeof value !== 'string') return warn('to base64() expects a string');
  let binary = '';
  for (const byte of new TextEncoder().encode(value)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(value: unknown): string | null {
  if (typeof value !== 'string') return warn('from base64() expects a string');
  try {
    const binary = atob(value);
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return warn('from base64(): not a base64-encoded UTF-8 string');
  }
}

function uuid(): string {
  return globalThis.crypto.randomUUID();
}

/** The extension functions, as FEEL functions with explicit parameter names (so named arguments work). */
const EXTENSIONS: Readonly<Record<string, FeelFunction>> = {
  'is defined': new FeelFunction((value: unknown) => value !== null && value !== undefined, ['value']),
  'get or else': new FeelFunction(
    (value: unknown, fallback: unknown) => value ?? fallback ?? null,
    ['value', 'default'],
  ),
  'string join': new FeelFunction(stringJoin, ['list', 'delimiter', 'prefix', 'suffix']),
  'is empty': new FeelFunction(
    (list: unknown) => (Array.isArray(list) ? list.length === 0 : warn('is empty() expects a list')),
    ['list'],
  ),
  'is blank': new FeelFunction(
    (value: unknown) => (typeof value === 'string' ? value.trim() === '' : warn('is blank() expects a string')),
    ['string'],
  ),
  trim: new FeelFunction(
    (value: unknown) => (typeof value === 'string' ? value.trim() : warn('trim() expects a string')),
    ['string'],
  ),
  uuid: new FeelFunction(uuid, []),
  'to base64': new FeelFunction(toBase64, ['value']),
  'from base64': new FeelFunction(fromBase64, ['value']),
  'duplicate values': new FeelFunction(duplicateValues, ['list']),
  partition: new FeelFunction(partition, ['list', 'size']),
  assert: new FeelFunction(assertFn, ['value', 'condition', 'cause']),
  'last day of month': new FeelFunction(lastDayOfMonth, ['date']),
  extract: new FeelFunction(extract, ['string', 'pattern']),
  'random number': new FeelFunction(() => Math.random(), []),
};

/** now() and today() answering from the engine's clock (UTC), not the system clock. */
function clockFunction(name: 'now' | 'today', now: number): FeelFunction {
  return name === 'now'
    ? new FeelFunction(() => toFeel(new Date(now)), [])
    : new FeelFunction(() => parseDate(new Date(now).toISOString().slice(0, 10)), []);
}

// ---------------------------------------------------------------------------------------------------------------
// Compilation cache
// ---------------------------------------------------------------------------------------------------------------

/**
 * The evaluation scope of a compiled expression. feelin copies a plain-object context on every evaluate(); an
 * instance of this class is not a plain object, so feelin keeps the very instance, and a FEEL function defined
 * against it reads its entries at each invocation. That is what makes a compiled expression reusable.
 */
class FeelScope {
  [name: string]: unknown;
}

/** What a referenced name means when no variable of that name exists. */
type Fallback = FeelFunction | 'now' | 'today' | undefined;

interface Compiled {
  readonly kind: 'compiled';
  /** `function() (<source>)`, evaluated once; invoking it evaluates the source against `scope`. */
  readonly fn: FeelFunction;
  /**
   * Holds exactly the referenced names, set for each evaluation and reset to undefined after it. feelin treats an
   * undefined entry as absent (a built-in, or null with a warning), and finds it without scanning all keys, which
   * it does for every name missing from the context. Unreferenced variables never enter the scope.
   */
  readonly scope: FeelScope;
  readonly names: readonly string[];
  readonly fallbacks: readonly Fallback[];
  /** feelin's live warning list of the compiling evaluate(); invocations keep appending to it. */
  readonly warnings: Warning[];
  busy: boolean;
}

type CacheEntry = Compiled | { readonly kind: 'syntaxError'; readonly message: string };

const CACHE_LIMIT = 5000;
const cache = new Map<string, CacheEntry>();

function fallbackFor(name: string): Fallback {
  if (name === 'now' || name === 'today') return name;
  return Object.hasOwn(EXTENSIONS, name) ? EXTENSIONS[name] : undefined;
}

function compile(source: string): CacheEntry {
  const tree = parse(source);
  const syntaxError = syntaxErrorOf(tree, source);
  if (syntaxError !== undefined) return { kind: 'syntaxError', message: syntaxError };
  const names = referencedNames(tree, source);
  const scope = new FeelScope();
  // The referenced names double as the parse context, so multi-word function names parse as in checkFeelSyntax.
  for (const name of names) scope[name] = null;
  // The newlines keep a trailing `// comment` in the source from swallowing the closing parenthesis.
  const { value, warnings } = evaluate(`function() (\n${source}\n)`, scope, DIALECT);
  resetScope(scope, names);
  if (!isFunction(value)) throw new Error(`FEEL compilation of '${source}' did not produce a function`);
  return { kind: 'compiled', fn: value, scope, names, fallbacks: names.map(fallbackFor), warnings, busy: false };
}

function cached(source: string): CacheEntry {
  let entry = cache.get(source);
  if (entry === undefined) {
    entry = compile(source);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(source, entry);
  }
  return entry;
}

function resetScope(scope: FeelScope, names: readonly string[]): void {
  for (const name of names) scope[name] = undefined;
}

/** A variable shadows a function of the same name, as feelin resolves the context before its built-ins. */
function bindScope(entry: Compiled, variables: Record<string, unknown>, now: number): void {
  const { scope, names, fallbacks } = entry;
  for (let index = 0; index < names.length; index += 1) {
    const name = names[index] as string;
    if (Object.hasOwn(variables, name)) {
      scope[name] = variables[name];
    } else {
      const fallback = fallbacks[index];
      scope[name] = fallback === 'now' || fallback === 'today' ? clockFunction(fallback, now) : fallback;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------------------------

/** Evaluates FEEL against the variables (a JSON object). Never throws: syntax or evaluation errors → ok:false with a message. Result converted to JSON-compatible values (see below). `now` (epoch ms) is what now()/today() return, so the engine's controllable clock governs FEEL time too. */
export function evaluateFeel(source: string, variables: Record<string, unknown>, now: number): FeelResult {
  let entry: CacheEntry;
  try {
    entry = cached(source);
    // Re-entrant use of the same expression (not expected) gets a private compilation.
    if (entry.kind === 'compiled' && entry.busy) entry = compile(source);
  } catch (error) {
    return { ok: false, message: `FEEL expression '${source}' failed to compile: ${errorMessage(error)}` };
  }
  if (entry.kind === 'syntaxError') {
    return { ok: false, message: `FEEL syntax error in '${source}': ${entry.message}` };
  }
  const { fn, scope, names, warnings } = entry;
  const previousSink = warningSink;
  const extraWarnings: string[] = [];
  entry.busy = true;
  warningSink = extraWarnings;
  try {
    bindScope(entry, variables, now);
    warnings.length = 0;
    const raw: unknown = fn.invoke([]);
    const value = toJson(raw, extraWarnings);
    return { ok: true, value, warnings: [...warnings.map((warning) => warning.message), ...extraWarnings] };
  } catch (error) {
    if (error instanceof FeelAssertionError) return { ok: false, message: `'${source}': ${error.message}` };
    return { ok: false, message: `FEEL evaluation of '${source}' failed: ${errorMessage(error)}` };
  } finally {
    warningSink = previousSink;
    warnings.length = 0;
    resetScope(scope, names);
    entry.busy = false;
  }
}

/** Static expressions return their text; FEEL ones are evaluated. */
export function evaluateExpression(
  expression: Expression,
  variables: Record<string, unknown>,
  now: number,
): FeelResult {
  if (expression.kind === 'static') return { ok: true, value: expression.value, warnings: [] };
  return evaluateFeel(expression.source, variables, now);
}

/** Parses Zeebe-style attribute text: '=a + 1' → {kind:'feel', source:'a + 1'}, 'text' → {kind:'static', value:'text'}. */
export function expressionOf(text: string): Expression {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('=')) return { kind: 'feel', source: trimmed.slice(1).trim() };
  return { kind: 'static', value: text };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------------------------------
// FEEL value → JSON (as Zeebe writes FEEL results to variables)
// ---------------------------------------------------------------------------------------------------------------

function toJson(value: unknown, warnings: string[]): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    default:
      break;
  }
  if (Array.isArray(value)) return value.map((item) => toJson(item, warnings));
  if (value instanceof FeelDate || value instanceof FeelTime || value instanceof FeelDuration) return value.iso;
  if (value instanceof FeelDateTime) return dateTimeToJson(value);
  if (isPlainObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) result[key] = toJson(entry, warnings);
    return result;
  }
  const kind = isFunction(value) || typeof value === 'function' ? 'function' : isRange(value) ? 'range' : typeof value;
  warnings.push(`a FEEL ${kind} has no JSON form; null used instead`);
  return null;
}

const OFFSET_ZONE = /^[+-]\d{2}:\d{2}(?::\d{2})?$/;

/** Like Zeebe (ISO_OFFSET_DATE_TIME): an offset, never a zone id; 'Z' for UTC. A local date-time stays local. */
function dateTimeToJson(value: FeelDateTime): string {
  const { zone, iso } = value;
  if (zone === null || zone === 'UTC') return iso;
  if (OFFSET_ZONE.test(zone)) return /^[+-]00:00(:00)?$/.test(zone) ? `${iso.slice(0, -zone.length)}Z` : iso;
  const at = iso.indexOf('@');
  const wall = at >= 0 ? iso.slice(0, at) : iso;
  return `${wall}${formatOffset(value['time offset'])}`;
}

/** FEEL duration of a zone offset ('PT7H', '-PT4H', 'PT5H30M', 'PT0S') → '+07:00', '-04:00', '+05:30', 'Z'. */
function formatOffset(offset: FeelDuration): string {
  const match = /^(-)?PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(offset.iso);
  if (!match) return '';
  const [, minus, hours = '0', minutes = '0', seconds = '0'] = match;
  if (hours === '0' && minutes === '0' && seconds === '0') return 'Z';
  const two = (text: string): string => text.padStart(2, '0');
  return `${minus ? '-' : '+'}${two(hours)}:${two(minutes)}${seconds === '0' ? '' : `:${two(seconds)}`}`;
}
