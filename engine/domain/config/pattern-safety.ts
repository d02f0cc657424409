/**
 * A conservative static check of a regular expression used as a JSON Schema `pattern`: patterns are run against
 * user input on every record write, so anything that may backtrack catastrophically is refused at publish time.
 * Refused: more than 500 characters, backreferences (`\1`, `\k<name>`), a repeated group that itself contains a
 * quantifier (`(a+)+`, `(a?)*`, `((ab)*)+`), and a repeated group with alternatives that are not plain literals with
 * distinct first characters (`(a|a)*`, `(\d|x)+`; `(ab|cd)*` is fine). Syntax errors are left to the compiler.
 */

export const maxPatternLength = 500;

interface Group {
  /** A quantifier occurs somewhere inside (directly or in a nested group). */
  hasQuantifier: boolean;
  alternatives: string[];
  current: string;
}

/** Why the pattern is unsafe, or null. */
export function patternProblem(pattern: string): string | null {
  if (pattern.length > maxPatternLength) {
    return `the pattern is ${pattern.length} characters long; at most ${maxPatternLength} are allowed`;
  }
  const stack: Group[] = [newGroup()];
  let lastGroup: Group | null = null;
  let i = 0;
  while (i < pattern.length) {
    const top = stack[stack.length - 1];
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || (next === 'k' && pattern[i + 2] === '<')) return 'backreferences are not allowed';
      top.current += pattern.slice(i, i + 2);
      lastGroup = null;
      i += 2;
    } else if (c === '[') {
      const end = classEnd(pattern, i);
      top.current += pattern.slice(i, end);
      lastGroup = null;
      i = end;
    } else if (c === '(') {
      stack.push(newGroup());
      lastGroup = null;
      i = groupBodyStart(pattern, i);
    } else if (c === ')') {
      if (stack.length === 1) return null;
      const group = stack.pop() as Group;
      group.alternatives.push(group.current);
      const parent = stack[stack.length - 1];
      parent.current += '(group)';
      parent.hasQuantifier ||= group.hasQuantifier;
      lastGroup = group;
      i += 1;
    } else if (c === '|') {
      top.alternatives.push(top.current);
      top.current = '';
      lastGroup = null;
      i += 1;
    } else {
      const quantifier = quantifierAt(pattern, i);
      if (quantifier) {
        top.hasQuantifier = true;
        if (lastGroup && quantifier.repeats) {
          if (lastGroup.hasQuantifier) return 'a repeated group contains another quantifier (nested quantifiers)';
          if (lastGroup.alternatives.length > 1 && !distinctLiterals(lastGroup.alternatives)) {
            return 'a repeated group has alternatives that may match the same text';
          }
        }
        lastGroup = null;
        i += quantifier.length;
      } else {
        top.current += c;
        lastGroup = null;
        i += 1;
      }
    }
  }
  return null;
}

function newGroup(): Group {
  return { hasQuantifier: false, alternatives: [], current: '' };
}

/** Index just after the `]` closing the character class that starts at `start`. */
function classEnd(pattern: string, start: number): number {
  let j = start + 1;
  if (pattern[j] === '^') j += 1;
  if (pattern[j] === ']') j += 1;
  while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** Index of the first character inside a group, after `(`, `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!` or `(?<name>`. */
function groupBodyStart(pattern: string, start: number): number {
  if (pattern[start + 1] !== '?') return start + 1;
  if (pattern.startsWith('(?<=', start) || pattern.startsWith('(?<!', start)) return start + 4;
  if (pattern[start + 2] === '<') {
    const close = pattern.indexOf('>', start);
    return close === -1 ? pattern.length : close + 1;
  }
  return start + 3;
}

/** A quantifier at `i` (with its lazy `?`), and whether it can repeat the atom more than once. */
function quantifierAt(pattern: string, i: number): { length: number; repeats: boolean } | null {
  const c = pattern[i];
  let length = 0;
  let repeats = false;
  if (c === '*' || c === '+' || c === '?') {
    length = 1;
    repeats = c !== '?';
  } else if (c === '{') {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i, i + 24));
    if (!match) return null;
    length = match[0].length;
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : match[3] === '' ? Infinity : Number(match[3]);
    repeats = max > 1;
  } else {
    return null;
  }
  if (pattern[i + length] === '?') length += 1;
  return { length, repeats };
}

/** Alternatives made of plain characters (no class, escape, dot or group) that start with different characters. */
function distinctLiterals(alternatives: string[]): boolean {
  const firsts = new Set<string>();
  for (const alternative of alternatives) {
    if (alternative === '' || /[\\[.(]/.test(alternative) || firsts.has(alternative[0])) return false;
    firsts.add(alternative[0]);
  }
  return true;
}
