/**
 * @module The generated tables of docs/errors.md and docs/config.md, from the code itself.
 * `npm run docs` rewrites them; docs.test.ts fails when a doc and the code disagree.
 */
import { CONFIG_KEYS, envName } from '../packages/server/src/config/index.js';
import { ERROR_CODES } from '../packages/server/src/kernel/index.js';

const BEGIN = '<!-- generated:begin -->';
const END = '<!-- generated:end -->';

/** The table of every error code. */
export function errorsTable(): string {
  const rows = Object.entries(ERROR_CODES).map(([code, e]) => `| \`${code}\` | ${e.status} | ${e.doc} |`);
  return ['| code | HTTP status | meaning and fix |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The table of every config key. */
export function configTable(): string {
  const rows = CONFIG_KEYS.map((k) => {
    const type =
      k.type === 'enum' ? (k.values ?? []).map((v) => `\`${v}\``).join(', ') : k.type === 'int' ? `integer ${k.min}..${k.max}` : 'string';
    return `| \`${k.path}\` | \`${envName(k.path)}\` | ${type} | \`${JSON.stringify(k.default)}\` | ${k.doc} |`;
  });
  return ['| key | env | type | default | meaning |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/** Replaces the generated block of a document's text. */
export function withTable(doc: string, table: string): string {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a === -1 || b === -1) throw new Error('document lacks the generated markers');
  return `${doc.slice(0, a + BEGIN.length)}\n${table}\n${doc.slice(b)}`;
}
