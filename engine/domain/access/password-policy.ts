import type { ErrorDetail } from '../errors.js';

/** The shortest password accepted (OWASP ASVS 5.0 V6.2.1: at least 8 characters; no composition rules). */
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 200;

/** Why a new password is refused, as details located at `path`; empty when it is acceptable. */
export function passwordProblems(password: string, path: string, context: { username: string; current?: string }): ErrorDetail[] {
  const length = [...password].length;
  const problems: ErrorDetail[] = [];
  if (length < MIN_PASSWORD_LENGTH) problems.push({ path, code: 'TOO_SHORT', message: `at least ${MIN_PASSWORD_LENGTH} characters` });
  if (length > MAX_PASSWORD_LENGTH) problems.push({ path, code: 'TOO_LONG', message: `at most ${MAX_PASSWORD_LENGTH} characters` });
  if (password.toLowerCase() === context.username.toLowerCase()) problems.push({ path, code: 'SAME_AS_USERNAME', message: 'must not be the username' });
  if (context.current !== undefined && password === context.current) problems.push({ path, code: 'SAME_AS_CURRENT', message: 'must differ from the current password' });
  return problems;
}
