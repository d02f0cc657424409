import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { addDuration, formatInstant, parseInstant, parseIsoDuration, type Duration } from '../../engine/domain/calendar/index.js';
import { DomainError } from '../../engine/domain/errors.js';

describe('parseIsoDuration', () => {
  const rows: [string, Duration][] = [
    ['PT48H', { hours: 48 }],
    ['P2D', { days: 2 }],
    ['P1W', { weeks: 1 }],
    ['PT30M', { minutes: 30 }],
    ['PT45S', { seconds: 45 }],
    ['P1DT12H', { days: 1, hours: 12 }],
    ['P1Y2M3DT4H5M6S', { years: 1, months: 2, days: 3, hours: 4, minutes: 5, seconds: 6 }],
    ['P1M', { months: 1 }],
    ['PT1M', { minutes: 1 }],
    ['P0D', { days: 0 }],
    ['PT0S', { seconds: 0 }],
    ['P10Y', { years: 10 }],
  ];
  it.each(rows)('%s', (text, expected) => {
    expect(parseIsoDuration(text)).toEqual(expected);
  });

  it.each(['', 'P', 'PT', 'P1DT', '48h', 'PT48', 'P1.5D', 'PT0.5S', '-PT1H', 'P1W2D', 'P1H', 'PT1D', 'P1M1Y', 'pt1h', ' PT1H', 'PT1H '])(
    '%j is VALIDATION_FAILED',
    (text) => {
      expect(() => parseIsoDuration(text, '/after')).toThrow(DomainError);
      try {
        parseIsoDuration(text, '/after');
      } catch (error) {
        expect((error as DomainError).details[0].path).toBe('/after');
      }
    },
  );

  it('rejects a non-string', () => {
    expect(() => parseIsoDuration(48 as unknown as string)).toThrow(/must be a string/);
  });
});

describe('addDuration (wall clock, UTC)', () => {
  const rows: [string, string, string][] = [
    ['2026-03-02T09:00:00+08:00', 'PT48H', '2026-03-04T01:00:00.000Z'],
    ['2026-03-02T01:00:00Z', 'P2D', '2026-03-04T01:00:00.000Z'],
    ['2026-03-02T01:00:00Z', 'P1W', '2026-03-09T01:00:00.000Z'],
    ['2026-03-02T01:00:00Z', 'P1DT1H1M1S', '2026-03-03T02:01:01.000Z'],
    ['2026-12-31T23:00:00Z', 'PT2H', '2027-01-01T01:00:00.000Z'],
    ['2026-01-31T10:00:00Z', 'P1M', '2026-02-28T10:00:00.000Z'],
    ['2028-01-31T10:00:00Z', 'P1M', '2028-02-29T10:00:00.000Z'],
    ['2028-02-29T10:00:00Z', 'P1Y', '2029-02-28T10:00:00.000Z'],
    ['2026-11-30T00:00:00Z', 'P13M', '2027-12-30T00:00:00.000Z'],
    ['2026-03-31T12:00:00Z', 'P1M1D', '2026-05-01T12:00:00.000Z'],
    ['2026-02-28T23:59:59.999Z', 'PT0S', '2026-02-28T23:59:59.999Z'],
    ['2026-03-29T00:30:00+01:00', 'PT1H', '2026-03-29T00:30:00.000Z'],
    ['2024-02-28T00:00:00Z', 'P1D', '2024-02-29T00:00:00.000Z'],
    ['2100-02-28T00:00:00Z', 'P1D', '2100-03-01T00:00:00.000Z'],
  ];
  it.each(rows)('%s + %s = %s', (start, duration, expected) => {
    expect(addDuration(start, duration)).toBe(expected);
    expect(addDuration(start, parseIsoDuration(duration))).toBe(expected);
  });

  it('agrees with Date for fixed-length durations over many instants', () => {
    for (let i = 0; i < 2000; i++) {
      const start = Date.UTC(1990, 0, 1) + i * 7_654_321_987;
      const startIso = new Date(start).toISOString();
      expect(addDuration(startIso, 'P3DT7H11M13S')).toBe(new Date(start + ((3 * 24 + 7) * 3600 + 11 * 60 + 13) * 1000).toISOString());
    }
  });
});

describe('parseInstant / formatInstant', () => {
  it('round-trips and matches Date', () => {
    for (let i = 0; i < 2000; i++) {
      const ms = Date.UTC(1901, 0, 1) + i * 98_765_432_123;
      const iso = new Date(ms).toISOString();
      expect(parseInstant(iso)).toBe(ms);
      expect(formatInstant(ms)).toBe(iso);
    }
  });
  it.each([
    ['2026-03-02T09:00:00+08:00', '2026-03-02T01:00:00.000Z'],
    ['2026-03-02T09:00+08:00', '2026-03-02T01:00:00.000Z'],
    ['2026-03-01T20:00:00-05:30', '2026-03-02T01:30:00.000Z'],
    ['2026-03-02T01:00:00.5Z', '2026-03-02T01:00:00.500Z'],
    ['2026-03-02T01:00:00.123456Z', '2026-03-02T01:00:00.123Z'],
  ])('%s is %s', (text, iso) => {
    expect(formatInstant(parseInstant(text))).toBe(iso);
  });
  it.each(['2026-03-02', '2026-03-02T09:00:00', '2026-02-30T00:00:00Z', '2026-03-02T24:00:00Z', '2026-03-02T09:60:00Z', '2026-03-02T09:00:00+15:00', 'now'])(
    '%s is VALIDATION_FAILED',
    (text) => {
      expect(() => parseInstant(text)).toThrow(DomainError);
    },
  );
});

describe('engine/domain/calendar stays pure', () => {
  const dir = fileURLToPath(new URL('../../engine/domain/calendar/', import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  it.each(files)('%s uses no I/O, Node built-ins, clock, Date or randomness', (file) => {
    const source = readFileSync(dir + file, 'utf8');
    expect(source).not.toMatch(/from ['"]node:/);
    expect(source).not.toMatch(/\bDate\.now\b|\bnew Date\b|\bDate\.parse\b|\bMath\.random\b|\bprocess\.|\bfetch\(|Intl\./);
    const imports = [...source.matchAll(/from ['"]([^'"]+)['"]/g)].map((m) => m[1]);
    for (const spec of imports) expect(spec).toMatch(/^\.\.?\/.*\.js$/);
  });
});
