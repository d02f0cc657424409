/** What an integration token may be granted; a token reaches only the route groups of its scopes. */
export const TOKEN_SCOPES = ['records:read', 'records:write', 'processes:write', 'tasks:write'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** By path prefix: the scope reads (GET) and writes (other methods) need; null: not open to tokens. */
const routeGroups: [prefix: string, read: TokenScope | null, write: TokenScope | null][] = [
  ['/api/records', 'records:read', 'records:write'],
  ['/api/pipelines', 'records:read', null],
  ['/api/reports', 'records:read', null],
  ['/api/processes', 'records:read', 'processes:write'],
  ['/api/events', null, 'processes:write'],
  ['/api/inbox', 'records:read', null],
  ['/api/tasks', 'records:read', 'tasks:write'],
];

/** Open to any token: who the token acts as. */
const anyToken = new Set(['GET /api/auth/me']);

/**
 * The scope a token needs for a route (`METHOD /route/:param`), `'any'` when every token may call it, or null when
 * tokens may not call it at all (configuration, users, tokens themselves, webhooks, delegations, notifications).
 */
export function requiredScope(method: string, route: string): TokenScope | 'any' | null {
  if (anyToken.has(`${method} ${route}`)) return 'any';
  const group = routeGroups.find(([prefix]) => route === prefix || route.startsWith(`${prefix}/`));
  if (!group) return null;
  return method === 'GET' || method === 'HEAD' ? group[1] : group[2];
}

export function scopeAllows(scopes: readonly string[], method: string, route: string): boolean {
  const needed = requiredScope(method, route);
  return needed === 'any' || (needed !== null && scopes.includes(needed));
}
