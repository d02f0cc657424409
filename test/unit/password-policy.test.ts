import { describe, expect, it } from 'vitest';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, passwordProblems } from '../../engine/domain/access/password-policy.js';

describe('passwordProblems', () => {
  const rows: { password: string; current?: string; codes: string[] }[] = [
    { password: 'x'.repeat(MIN_PASSWORD_LENGTH), codes: [] },
    { password: 'x'.repeat(MIN_PASSWORD_LENGTH - 1), codes: ['TOO_SHORT'] },
    { password: '😀'.repeat(MIN_PASSWORD_LENGTH), codes: [] }, // counted in characters, not UTF-16 units
    { password: 'x'.repeat(MAX_PASSWORD_LENGTH + 1), codes: ['TOO_LONG'] },
    { password: 'SALES1-USER'.slice(0, 6), codes: ['TOO_SHORT', 'SAME_AS_USERNAME'] },
    { password: 'the same one', current: 'the same one', codes: ['SAME_AS_CURRENT'] },
    { password: 'The same one', current: 'the same one', codes: [] },
  ];
  it.each(rows)('$password -> $codes', ({ password, current, codes }) => {
    const problems = passwordProblems(password, '/newPassword', { username: 'sales1', current });
    expect(problems.map((p) => p.code)).toEqual(codes);
    expect(problems.every((p) => p.path === '/newPassword' && p.message)).toBe(true);
  });
});
