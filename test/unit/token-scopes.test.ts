import { describe, expect, it } from 'vitest';
import { requiredScope, scopeAllows } from '../../engine/api/policy/token-scopes.js';

describe('token scopes by route group', () => {
  it.each([
    ['GET', '/api/records/:entity', 'records:read'],
    ['GET', '/api/records/:entity/:id/history', 'records:read'],
    ['POST', '/api/records/:entity', 'records:write'],
    ['PATCH', '/api/records/:entity/:id', 'records:write'],
    ['DELETE', '/api/records/:entity/:id', 'records:write'],
    ['POST', '/api/records/:entity/:id/stage', 'records:write'],
    ['GET', '/api/pipelines/:name/board', 'records:read'],
    ['GET', '/api/processes', 'records:read'],
    ['POST', '/api/processes', 'processes:write'],
    ['POST', '/api/processes/:id/cancel', 'processes:write'],
    ['POST', '/api/events/:name', 'processes:write'],
    ['GET', '/api/inbox', 'records:read'],
    ['GET', '/api/tasks/:id', 'records:read'],
    ['POST', '/api/tasks/:id/complete', 'tasks:write'],
    ['GET', '/api/auth/me', 'any'],
    ['POST', '/api/auth/tokens', null],
    ['GET', '/api/auth/tokens', null],
    ['GET', '/api/users', null],
    ['POST', '/api/config/publish', null],
    ['GET', '/api/config', null],
    ['POST', '/api/webhooks', null],
    ['GET', '/api/processesX', null],
    ['GET', '/api/recordsX', null],
  ] as const)('%s %s needs %s', (method, route, scope) => {
    expect(requiredScope(method, route)).toBe(scope);
  });

  it('allows a route only with its scope', () => {
    expect(scopeAllows(['records:read'], 'GET', '/api/records/:entity')).toBe(true);
    expect(scopeAllows(['records:read'], 'POST', '/api/records/:entity')).toBe(false);
    expect(scopeAllows([], 'GET', '/api/auth/me')).toBe(true);
    expect(scopeAllows(['records:read', 'records:write', 'processes:write', 'tasks:write'], 'POST', '/api/config/publish')).toBe(false);
  });
});
