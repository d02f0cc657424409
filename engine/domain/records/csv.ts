import { DomainError, joinPointer } from '../errors.js';
import { PROTOTYPE_KEYS } from './mass-assignment.js';
import type { FieldCatalog, FieldInfo } from '../query/fields.js';
import { resolvePath } from '../query/fields.js';

/** Parses RFC 4180 CSV (quoted fields, "" escapes, CRLF or LF, optional BOM) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endCell = () => { row.push(cell); cell = ''; };
  const endRow = () => { endCell(); rows.push(row); row = []; };
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else { if (c === '\n') line++; cell += c; }
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') endCell();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
    } else cell += c;
  }
  if (quoted) throw new DomainError('VALIDATION_FAILED', 'the CSV has an unterminated quoted field', [{ path: '/body', message: `quote opened before line ${line} is never closed` }]);
  if (cell !== '' || row.length) endRow();
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

function coerce(value: string, info: FieldInfo | null): unknown {
  if (!info) return value;
  switch (info.kind) {
    case 'number': {
      const n = Number(value);
      return value.trim() !== '' && Number.isFinite(n) ? n : value;
    }
    case 'boolean': return value === 'true' ? true : value === 'false' ? false : value;
    case 'array': case 'object':
      if (/^\s*[[{]/.test(value)) {
        try { return JSON.parse(value); } catch { return value; }
      }
      return info.kind === 'array' ? value.split(';').map((v) => v.trim()).filter(Boolean) : value;
    default: return value;
  }
}

/**
 * Turns CSV rows (the first is the header) into record data: a column `a` sets field a, `a.b` sets b inside the
 * object a; empty cells are left out; cells are converted by the field's type (numbers, true/false, JSON or
 * `;`-separated lists, JSON objects). What cannot be converted stays text, so validation reports it at its path.
 */
export function csvToData(rows: string[][], catalog: FieldCatalog): Record<string, unknown>[] {
  const [header, ...body] = rows;
  if (!header) return [];
  const columns = header.map((h) => h.trim().split('.'));
  const forbidden = columns.filter((path) => path.some((p) => PROTOTYPE_KEYS.has(p)));
  if (forbidden.length) {
    throw new DomainError('FORBIDDEN_FIELD', 'the CSV header names keys that are never accepted',
      forbidden.map((path) => ({ path: joinPointer('', ...path), message: `column ${path.join('.')} may not be imported`, code: 'FORBIDDEN_FIELD' })));
  }
  return body.map((cells) => {
    const data: Record<string, unknown> = {};
    columns.forEach((path, index) => {
      const cell = cells[index];
      if (cell === undefined || cell === '' || path.some((p) => p === '')) return;
      let target = data;
      for (const key of path.slice(0, -1)) {
        if (!target[key] || typeof target[key] !== 'object') target[key] = {};
        target = target[key] as Record<string, unknown>;
      }
      target[path[path.length - 1]] = coerce(cell, resolvePath(catalog, path));
    });
    return data;
  });
}

/** Text a spreadsheet would run as a formula (OWASP CSV injection): it gets a leading `'`. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell: text as is (with a leading `'` when it starts like a formula: = + - @ tab CR), numbers and booleans
 * as written, everything else as JSON; quoted when it holds a comma, quote or line break.
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? (FORMULA_START.test(value) ? `'${value}` : value)
    : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: unknown[]): string {
  return values.map(csvCell).join(',') + '\r\n';
}
