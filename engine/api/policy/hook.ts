import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OWNER_FIELD, type Action } from '../../domain/access/permissions.js';
import { DomainError, joinPointer } from '../../domain/errors.js';
import { parseCsv } from '../../domain/records/csv.js';
import { currentConfig } from '../../db/record-write.js';
import { READ_STALENESS_MS } from '../../db/config-store.js';
import type { Bundle } from '../../domain/config/types.js';
import { hasTaskOn, loadPolicy, recordOwnership, type AccessPolicy, type Ownership } from './access.js';
import { assertOwnerWrites, csvOwnerWrites, ownerWrites, type OwnerWrite } from './owner-transfer.js';
import type { ListAccess } from '../../db/record-list.js';
import { recordSecrets } from '../../db/record-secrets.js';
import { redactProcessView } from './redact-process.js';

/** How the policy guards one route: the action, whether it names a record, what its body and answer carry. */
interface RouteRule {
  /** The route needs one of these roles whatever the entity (administration, simulation). */
  roles?: readonly string[];
  action?: Action;
  record?: boolean;
  /** The record is named by the body's `entity` and `recordId` (process starts, business events). */
  recordInBody?: boolean;
  /** The entity is the one of the pipeline named by the path (`name`) or the query (`pipeline`): boards and reports. */
  pipeline?: 'params' | 'query';
  /** `stage`: the fields a stage move writes along, in its `data` member. */
  body?: 'data' | 'import' | 'stage';
  output?: 'record' | 'history' | 'task' | 'simulation' | 'process';
}

const ADMIN = ['admin'];

/** Who may simulate: those who may change processes (admins) and process admins, who design them. */
export const SIMULATION_ROLES = ['admin', 'process_admin'];

/** Every route that touches records or needs a role, by `METHOD url`; the one table the authorization matrix test walks. */
export const routeRules: Record<string, RouteRule> = {
  'POST /api/records/:entity': { action: 'create', body: 'data', output: 'record' },
  'GET /api/records/:entity': { action: 'read' },
  'GET /api/records/:entity/export': { action: 'export' },
  'POST /api/records/:entity/import': { action: 'import', body: 'import' },
  'GET /api/records/:entity/import/:job': { action: 'import' },
  'GET /api/records/:entity/:id': { action: 'read', record: true, output: 'record' },
  'PATCH /api/records/:entity/:id': { action: 'update', record: true, body: 'data', output: 'record' },
  'DELETE /api/records/:entity/:id': { action: 'delete', record: true },
  'GET /api/records/:entity/:id/history': { action: 'read', record: true, output: 'history' },
  'POST /api/records/:entity/:id/restore': { action: 'delete', record: true, output: 'record' },
  'POST /api/records/:entity/:id/review': { action: 'update', record: true, output: 'record' },
  'POST /api/records/:entity/:id/stage': { action: 'update', record: true, body: 'stage', output: 'record' },
  'GET /api/records/:entity/:id/stages': { action: 'read', record: true },
  'POST /api/processes': { action: 'read', recordInBody: true },
  'POST /api/events/:name': { action: 'read', recordInBody: true },
  'GET /api/pipelines/:name/board': { action: 'read', pipeline: 'params' },
  'GET /api/reports/*': { action: 'read', pipeline: 'query' },
  'GET /api/tasks/:id': { output: 'task' },
  'GET /api/processes/:id': { output: 'process' },
  'POST /api/config/simulate': { roles: SIMULATION_ROLES, output: 'simulation' },
  'POST /api/config/publish': { roles: ADMIN },
  'POST /api/config/compatibility': { roles: ADMIN },
  'POST /api/config/rollback': { roles: ADMIN },
  'POST /api/users': { roles: ADMIN },
  'PATCH /api/users/:username': { roles: ADMIN },
  'POST /api/users/:username/password': { roles: ADMIN },
  'POST /api/webhooks': { roles: ADMIN },
  'GET /api/webhooks': { roles: ADMIN },
  'DELETE /api/webhooks/:id': { roles: ADMIN },
};

/** The policy rule of a route (`METHOD url` as registered), if it has one. */
export function routeRuleOf(method: string, url: string): RouteRule | undefined {
  return routeRules[`${method} ${url}`] ?? (url.startsWith('/api/reports/') ? routeRules[`${method} /api/reports/*`] : undefined);
}

const policies = new WeakMap<FastifyRequest, Promise<AccessPolicy>>();

/** The signed-in user's policy for this request (built once, from the published configuration). */
export function policyOf(app: FastifyInstance, request: FastifyRequest): Promise<AccessPolicy> {
  let policy = policies.get(request);
  if (!policy) {
    const em = app.deps.orm.em.fork();
    policy = currentConfig(em, READ_STALENESS_MS).then((config) => loadPolicy(em, request.user, config.bundle as unknown as Bundle));
    policies.set(request, policy);
  }
  return policy;
}

const listAccesses = new WeakMap<FastifyRequest, ListAccess>();

/** The scope and hidden fields a record list or export of this request runs with (set by the hook). */
export function listAccessOf(request: FastifyRequest): ListAccess | undefined {
  return listAccesses.get(request);
}

const ruleOf = (request: FastifyRequest) => routeRuleOf(request.method, request.routeOptions.url ?? '');

/** The entity of the pipeline a board or report names; null when there is no such pipeline (the route answers 404). */
async function pipelineEntity(app: FastifyInstance, request: FastifyRequest, rule: RouteRule): Promise<string | null> {
  const name = rule.pipeline === 'params' ? (request.params as { name?: unknown }).name : (request.query as { pipeline?: unknown }).pipeline;
  const pipelines = ((await currentConfig(app.deps.orm.em.fork(), READ_STALENESS_MS)).bundle as unknown as Bundle).pipelines ?? {};
  return typeof name === 'string' && Object.hasOwn(pipelines, name) ? pipelines[name].entity : null;
}

/** The record data of a write body: the body itself or its `data` member, with the pointer prefix of error paths. */
export function recordBody(body: Record<string, unknown>): { data: Record<string, unknown>; prefix: string } {
  const keys = Object.keys(body);
  if (keys.length === 1 && keys[0] === 'data' && body.data && typeof body.data === 'object' && !Array.isArray(body.data)) {
    return { data: body.data as Record<string, unknown>, prefix: '/data' };
  }
  return { data: body, prefix: '' };
}

/** Fields the user may not write; the owner is checked by value (assertOwnerWrites): keeping it is no reassignment. */
function assertWritable(policy: AccessPolicy, entity: string, fields: string[], pathOf: (field: string) => string): void {
  const locked = policy.grant(entity).fields;
  const refused = fields.filter((f) => f !== OWNER_FIELD && Object.hasOwn(locked, f));
  if (refused.length) {
    throw new DomainError('FORBIDDEN_FIELD', 'your roles may not write these fields', refused.map((f) => ({ path: pathOf(f), message: 'not writable for your roles' })));
  }
}

/** Refuses fields the user may not write; answers the owners the body names, for assertOwnerWrites. */
function checkBody(policy: AccessPolicy, entity: string, rule: RouteRule, body: unknown): OwnerWrite[] {
  const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  if ((rule.body === 'data' && isObject(body)) || (rule.body === 'stage' && isObject(body) && isObject(body.data))) {
    const { data, prefix } = rule.body === 'stage' ? { data: (body as { data: Record<string, unknown> }).data, prefix: '/data' } : recordBody(body as Record<string, unknown>);
    assertWritable(policy, entity, Object.keys(data), (f) => joinPointer(prefix, f));
    return ownerWrites('data', data, prefix);
  } else if (rule.body === 'import' && Array.isArray(body)) {
    body.forEach((row, i) => {
      if (row && typeof row === 'object' && !Array.isArray(row)) assertWritable(policy, entity, Object.keys(row), (f) => joinPointer(`/${i}`, f));
    });
    return ownerWrites('import', body);
  } else if (rule.body === 'import' && typeof body === 'string') {
    const rows = parseCsv(body);
    // CSV headers may address nested fields (`address.city`): the top-level field decides
    assertWritable(policy, entity, (rows[0] ?? []).map((h) => h.split('.')[0]), (f) => `/header/${f}`);
    return csvOwnerWrites(rows);
  }
  return [];
}

function redactChanges(policy: AccessPolicy, entity: string, item: unknown): unknown {
  if (!item || typeof item !== 'object') return item;
  const entry = item as { changes?: Record<string, unknown> };
  return entry.changes && typeof entry.changes === 'object' ? { ...entry, changes: policy.redact(entity, entry.changes) } : item;
}

function redactRecord(policy: AccessPolicy, record: unknown): unknown {
  if (!record || typeof record !== 'object') return record;
  const r = record as { entity?: unknown; data?: unknown };
  if (typeof r.entity !== 'string' || !r.data || typeof r.data !== 'object') return record;
  return { ...r, data: policy.redact(r.entity, r.data as Record<string, unknown>) };
}

type Payload = Record<string, unknown>;

/** Hidden fields leave no answer of a guarded route. */
async function redactOutput(app: FastifyInstance, policy: AccessPolicy, rule: RouteRule, request: FastifyRequest, payload: Payload): Promise<Payload> {
  const entity = (request.params as { entity?: string }).entity;
  switch (rule.output) {
    case 'record': return redactRecord(policy, payload) as Payload;
    case 'history': return entity ? { ...payload, items: (payload.items as unknown[] ?? []).map((i) => redactChanges(policy, entity, i)) } : payload;
    case 'task': {
      const record = payload.record as { entity?: string } | null;
      if (!record || typeof record.entity !== 'string') return payload;
      const items = Array.isArray(payload.history) ? payload.history.map((i) => redactChanges(policy, record.entity as string, i)) : payload.history;
      return { ...payload, record: redactRecord(policy, record), history: items };
    }
    case 'simulation': {
      const changes = Array.isArray(payload.recordChanges) ? payload.recordChanges as { entity: string; set: Payload }[] : [];
      return { ...payload, recordChanges: changes.map((c) => ({ ...c, set: policy.redact(c.entity, c.set) })) };
    }
    case 'process': {
      const { entity: runEntity, recordId } = payload as { entity?: unknown; recordId?: unknown };
      const hidden = typeof runEntity === 'string' ? policy.hidden(runEntity) : [];
      if (!hidden.length) return payload;
      return redactProcessView(payload, await recordSecrets(app.deps.orm.em.fork(), runEntity as string, recordId as string, hidden));
    }
    default: return payload;
  }
}

/**
 * The one place where record authorization happens: the action of the route for the entity, the record's scope for
 * routes that name a record, the writable fields of bodies, the list scope, and the hidden fields of answers.
 */
export default fp(async function policyHook(app: FastifyInstance) {
  app.addHook('preHandler', async (request) => {
    const rule = ruleOf(request);
    if (rule?.roles && request.user && !rule.roles.some((role) => request.user.roles.includes(role))) {
      throw new DomainError('FORBIDDEN', `this needs the ${rule.roles.join(' or ')} role`);
    }
    if (!rule?.action || !request.user) return;
    const named = (rule.recordInBody ? request.body : request.params) as { entity?: unknown; id?: unknown; recordId?: unknown } | null;
    const entity = rule.pipeline ? await pipelineEntity(app, request, rule) : typeof named?.entity === 'string' ? named.entity : null;
    const id = rule.recordInBody ? named?.recordId : named?.id;
    if (entity === null) return;
    const policy = await policyOf(app, request);
    policy.assertAction(entity, rule.action);
    const em = app.deps.orm.em.fork();
    let ownership: Ownership | null = null;
    if ((rule.record || rule.recordInBody) && typeof id === 'string') {
      ownership = await recordOwnership(em, entity, id);
      if (ownership && !policy.reaches(entity, rule.action, ownership.owner, ownership.unit)
        && !(rule.action === 'read' && await hasTaskOn(em, request.user.username, id))) {
        throw new DomainError('FORBIDDEN', `this ${entity} record is outside what your roles may ${rule.action}`);
      }
    }
    if (rule.body) await assertOwnerWrites(em, policy, entity, checkBody(policy, entity, rule, request.body), ownership ?? undefined);
    if (!rule.record && !rule.recordInBody) {
      const action = rule.action === 'import' ? 'read' : rule.action;
      listAccesses.set(request, {
        condition: (add) => policy.scopeSql(entity, action, add), hidden: policy.hidden(entity), everyRecord: policy.scope(entity, action) === 'all',
      });
    }
  });

  app.addHook('preSerialization', async (request, reply, payload: unknown) => {
    const rule = ruleOf(request);
    // error answers carry no record; a process run's own `error` member does not make it one
    if (!rule?.output || !request.user || !payload || typeof payload !== 'object' || reply.statusCode >= 400) return payload;
    return redactOutput(app, await policyOf(app, request), rule, request, payload as Payload);
  });
}, { name: 'policy', dependencies: ['auth'] });
