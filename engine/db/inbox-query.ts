export type InboxScope = 'mine' | 'candidate' | 'delegated' | 'all';

export interface InboxFilter {
  scope: InboxScope;
  process?: string;
  entity?: string;
  overdue?: boolean;
  dueBefore?: string;
  sort?: 'createdAt' | '-createdAt' | 'dueAt' | '-dueAt';
  limit?: number;
}

export interface SqlFragment {
  where: string;
  params: unknown[];
}

const open = `t.status in ('open', 'claimed')`;

/** Who sees a task in each scope; `delegators` are the users who delegated to the caller right now. */
export function scopeCondition(scope: InboxScope, username: string, delegators: string[]): SqlFragment {
  switch (scope) {
    case 'mine':
      return { where: `${open} and (t.assignee = ? or (t.assignee is null and t.candidates @> ?::jsonb))`, params: [username, JSON.stringify([username])] };
    case 'candidate':
      return { where: `${open} and t.assignee is null and t.candidates @> ?::jsonb`, params: [JSON.stringify([username])] };
    case 'delegated':
      if (!delegators.length) return { where: 'false', params: [] };
      return {
        where: `${open} and t.requester <> ? and (t.assignee = any(?::text[]) or (t.assignee is null and jsonb_exists_any(t.candidates, ?::text[])))`,
        params: [username, toPgArray(delegators), toPgArray(delegators)],
      };
    case 'all':
      return { where: open, params: [] };
  }
}

export function filterConditions(filter: InboxFilter, now: Date): SqlFragment {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter.process) { parts.push('t.process = ?'); params.push(filter.process); }
  if (filter.entity) { parts.push('t.entity = ?'); params.push(filter.entity); }
  if (filter.overdue) { parts.push('t.due_at is not null and t.due_at < ?'); params.push(now.toISOString()); }
  if (filter.dueBefore) { parts.push('t.due_at is not null and t.due_at < ?'); params.push(filter.dueBefore); }
  return { where: parts.length ? parts.join(' and ') : 'true', params };
}

export function orderBy(sort: InboxFilter['sort']): string {
  switch (sort) {
    case 'dueAt': return 't.due_at asc nulls last, t.id';
    case '-dueAt': return 't.due_at desc nulls last, t.id';
    case 'createdAt': return 't.created_at asc, t.id';
    default: return 't.created_at desc, t.id';
  }
}

function toPgArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}


