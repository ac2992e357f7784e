/**
 * FEEL support of the engine core, on top of feelin: syntax checking, evaluation against JSON variables,
 * the Camunda extension functions feelin lacks, and conversion of results back to JSON.
 * Pure: no I/O, no Node built-ins.
 */
import { parseExpression } from 'feelin';

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

/** Undefined when `source` (FEEL text without the leading '=') parses as a FEEL expression; else a short message saying what is wrong. */
export function checkFeelSyntax(source: string): string | undefined {
  if (source.trim() === '') return 'empty FEEL expression';
  const tree = parseExpression(source, PARSE_CONTEXT, DIALECT);
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
