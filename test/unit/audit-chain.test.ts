import { describe, expect, it } from 'vitest';
import { ChainVerifier, GENESIS_HASH, entryHash, type ChainRow } from '../../engine/db/audit-chain.js';

/** A sealed chain of n rows, built as the seal trigger builds it. */
function chain(n: number): ChainRow[] {
  const rows: ChainRow[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const row: ChainRow = {
      seq: String(i), id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, prevHash: prev, hash: null,
      at: `2026-12-01T10:00:0${i % 10}.000000Z`, actor: i % 2 ? 'sales1' : 'ümlaut 用户', action: 'update', entity: 'quote',
      recordId: i % 3 ? '11111111-1111-4111-8111-111111111111' : null, changes: `{"total": {"after": ${i}, "before": null}}`,
      comment: i % 4 ? null : 'a comment', context: '{}', idempotencyKey: null,
    };
    row.hash = entryHash(row, row.seq, prev);
    prev = row.hash;
    rows.push(row);
  }
  return rows;
}

function verify(rows: ChainRow[], head = { seq: String(rows.length), hash: rows.at(-1)?.hash ?? GENESIS_HASH }) {
  const verifier = new ChainVerifier();
  for (const row of [...rows].sort((a, b) => Number(a.seq) - Number(b.seq))) verifier.add(row);
  return verifier.finish(head);
}

const kinds = (rows: ChainRow[], head?: { seq: string; hash: string }) =>
  verify(rows, head).problems.map((p) => [p.kind, p.seq, p.originalSeq].filter(Boolean).join(' '));

describe('audit chain verification', () => {
  it('hashes nulls and empty strings differently and counts UTF-8 bytes', () => {
    const [row] = chain(1);
    expect(entryHash({ ...row, comment: '' }, '1', GENESIS_HASH)).not.toBe(entryHash({ ...row, comment: null }, '1', GENESIS_HASH));
    expect(entryHash({ ...row, actor: 'ab', action: 'c' }, '1', GENESIS_HASH)).not.toBe(entryHash({ ...row, actor: 'a', action: 'bc' }, '1', GENESIS_HASH));
  });

  const table: [string, (rows: ChainRow[]) => ChainRow[], string[], { seq: string; hash: string }?][] = [
    ['an intact chain', (r) => r, []],
    ['an empty chain', () => [], [], { seq: '0', hash: GENESIS_HASH }],
    ['an edited field', (r) => r.map((x) => (x.seq === '3' ? { ...x, actor: 'mallory' } : x)), ['edited 3']],
    ['an edited comment (null to text)', (r) => r.map((x) => (x.seq === '2' ? { ...x, comment: 'x' } : x)), ['edited 2']],
    ['an edited prev_hash', (r) => r.map((x) => (x.seq === '5' ? { ...x, prevHash: GENESIS_HASH } : x)), ['edited 5']],
    ['a deleted row', (r) => r.filter((x) => x.seq !== '4'), ['deleted 4']],
    ['the first row deleted', (r) => r.filter((x) => x.seq !== '1'), ['deleted 1']],
    ['the last rows deleted (head still knows them)', (r) => r.slice(0, 6), ['deleted 7', 'deleted 8']],
    ['two rows swapped', (r) => r.map((x) => (x.seq === '3' ? { ...x, seq: '6' } : x.seq === '6' ? { ...x, seq: '3' } : x)), ['reordered 3 6', 'reordered 6 3']],
    ['a row moved into a deleted slot', (r) => r.filter((x) => x.seq !== '2').map((x) => (x.seq === '5' ? { ...x, seq: '2' } : x)), ['deleted 2', 'reordered 2 5']],
    ['rows renumbered to close a gap', (r) => r.filter((x) => x.seq !== '6').map((x) => (Number(x.seq) > 6 ? { ...x, seq: String(Number(x.seq) - 1) } : x)), ['deleted 6', 'reordered 6 7', 'reordered 7 8']],
    ['a row rewritten with a recomputed hash', (r) => r.map((x) => {
      if (x.seq !== '4') return x;
      const forged = { ...x, actor: 'mallory' };
      return { ...forged, hash: entryHash(forged, '4', x.prevHash) };
    }), ['edited 4']],
    ['the last row rewritten with a recomputed hash', (r) => r.map((x) => {
      if (x.seq !== '8') return x;
      const forged = { ...x, actor: 'mallory' };
      return { ...forged, hash: entryHash(forged, '8', x.prevHash) };
    }), ['edited 8']],
    ['edit, delete and swap together', (r) => r.filter((x) => x.seq !== '5')
      .map((x) => (x.seq === '2' ? { ...x, changes: '{}' } : x.seq === '7' ? { ...x, seq: '8' } : x.seq === '8' ? { ...x, seq: '7' } : x)),
    ['edited 2', 'deleted 5', 'reordered 7 8', 'reordered 8 7']],
  ];
  for (const [name, tamper, expected, head] of table) {
    it(`reports ${name}: ${expected.join(', ') || 'nothing'}`, () => {
      const original = chain(8);
      const fullHead = head ?? { seq: '8', hash: original[7].hash! };
      expect(kinds(tamper(original), fullHead)).toEqual(expected);
      expect(verify(tamper(original), fullHead).intact).toBe(expected.length === 0);
    });
  }

  it('reports unsealed rows (inserted while the seal trigger was off)', () => {
    const rows = chain(2);
    const verifier = new ChainVerifier();
    verifier.add({ ...rows[0], seq: '0', hash: null });
    verifier.add(rows[0]);
    verifier.add(rows[1]);
    expect(verifier.finish({ seq: '2', hash: rows[1].hash! }).problems.map((p) => p.kind)).toEqual(['unsealed']);
  });
});
