import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { eventually, type HttpClient } from '../support/http.js';
import { quoteData } from '../support/quotes.js';
import { demoUsers } from '../../engine/db/seed.js';

/**
 * Generated from the published configuration and the demo organisation: every demo user (one or more per role) x
 * every record route, list, filter, export, history, process, task, inbox and simulation endpoint x a record of
 * their own, of their team and of another branch. The expectation is computed here from the documented scope rules
 * (docs/security.md), not by the engine's policy module.
 */

type Scope = 'own' | 'team' | 'branch' | 'all';
type Action = 'create' | 'read' | 'update' | 'delete' | 'export' | 'import';
interface Permission { [action: string]: unknown; fields?: Record<string, string> }
interface Bundle { roles: Record<string, { permissions?: Record<string, Permission> }>; org: { units: Record<string, { parent?: string }> } }

const order: Scope[] = ['own', 'team', 'branch', 'all'];
const owners = ['sales1', 'sales2', 'sales3'] as const; // own, team and another branch's record for sales1
const entities = ['customer', 'opportunity', 'quote'] as const;
const users = demoUsers.map(([username, roles, manager, , unit]) => ({ username, roles, manager, unit }));
const userOf = (name: string) => users.find((u) => u.username === name)!;

let stack: Stack;
let bundle: Bundle;
/** entity -> owner -> record id */
const records: Record<string, Record<string, string>> = {};
let processId = '';
let taskId = '';
const involvedInTask = new Set<string>();
const leaks: string[] = [];
let checks = 0;

function expectedScope(username: string, entity: string, action: Action): Scope | null {
  const { roles } = userOf(username);
  if (roles.includes('admin')) return 'all';
  let widest: Scope | null = null;
  for (const role of roles) {
    const permissions = bundle.roles[role]?.permissions;
    const scope = (permissions ? (permissions[entity] ?? permissions['*'])?.[action] : 'all') as Scope | undefined;
    if (scope && (widest === null || order.indexOf(scope) > order.indexOf(widest))) widest = scope;
  }
  return widest;
}

function hiddenFor(username: string, entity: string): string[] {
  const { roles } = userOf(username);
  if (roles.includes('admin')) return [];
  const perField = new Map<string, boolean>();
  for (const role of roles) {
    const permissions = bundle.roles[role]?.permissions;
    const fields = permissions ? (permissions[entity] ?? permissions['*'])?.fields ?? {} : {};
    for (const field of ['blacklistReason']) perField.set(field, (perField.get(field) ?? true) && fields[field] === 'hidden');
  }
  return [...perField].filter(([, hidden]) => hidden).map(([f]) => f);
}

/** Whether the user's roles grant reassigning (`"owner": "write"`); admin and roles without permissions always do. */
function mayTransfer(username: string, entity: string): boolean {
  const { roles } = userOf(username);
  if (roles.includes('admin')) return true;
  return roles.some((role) => {
    const permissions = bundle.roles[role]?.permissions;
    return !permissions || (permissions[entity] ?? permissions['*'])?.fields?.owner === 'write';
  });
}

function subtree(unit: string): string[] {
  const result = [unit];
  for (let i = 0; i < result.length; i++) for (const [name, u] of Object.entries(bundle.org.units)) if (u.parent === result[i]) result.push(name);
  return result;
}

function reportsTo(owner: string, boss: string): boolean {
  for (let m = userOf(owner).manager; m; m = userOf(m).manager) if (m === boss) return true;
  return false;
}

function reaches(username: string, entity: string, action: Action, owner: string): boolean {
  const scope = expectedScope(username, entity, action);
  const me = userOf(username);
  switch (scope) {
    case null: return false;
    case 'all': return true;
    case 'own': return owner === username;
    case 'team': return owner === username || userOf(owner).unit === me.unit || reportsTo(owner, username);
    case 'branch': return owner === username || subtree(me.unit).includes(userOf(owner).unit);
  }
}

function check(ok: boolean, what: string): void {
  checks++;
  if (!ok) leaks.push(what);
}

const readable = (user: string, entity: string) => owners.filter((o) => reaches(user, entity, 'read', o)).map((o) => records[entity][o]).sort();
const fixtureIds = (items: { id: string }[], entity: string) => items.map((i) => i.id).filter((id) => Object.values(records[entity]).includes(id)).sort();

function noHidden(user: string, entity: string, data: unknown, what: string): void {
  for (const field of hiddenFor(user, entity)) check(!JSON.stringify(data ?? null).includes(`"${field}"`), `${what}: hidden field ${field} returned to ${user}`);
}

beforeAll(async () => {
  stack = await startStack();
  const admin = await stack.as('admin');
  bundle = (await admin.get('/api/config')).body as Bundle;
  for (const entity of entities) {
    records[entity] = {};
    for (const owner of owners) {
      const client = await stack.as(owner);
      const data = entity === 'quote' ? quoteData(15, 20_000, `Quote of ${owner}`) : { name: `${entity} of ${owner}`, owner };
      const res = await client.post(`/api/records/${entity}`, data);
      if (res.status !== 201) throw new Error(`${owner} could not create a ${entity}: ${res.status} ${JSON.stringify(res.body)}`);
      records[entity][owner] = res.body.id;
    }
  }
  // the hidden field has a value and a history entry on every customer
  for (const owner of owners) {
    const res = await admin.patch(`/api/records/customer/${records.customer[owner]}`, { blacklistReason: 'fraud' });
    if (res.status !== 200) throw new Error(`admin patch failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const sales1 = await stack.as('sales1');
  const started = await sales1.post('/api/processes', { process: 'quote-approval', entity: 'quote', recordId: records.quote.sales1 });
  if (started.status !== 201) throw new Error(`start failed: ${started.status} ${JSON.stringify(started.body)}`);
  processId = started.body.id;
  const branchmgr = await stack.as('branchmgr');
  const task = await eventually(async () => (await branchmgr.get('/api/inbox')).body.items.find((t: { recordId: string }) => t.recordId === records.quote.sales1), 30_000, 200);
  taskId = task.id;
  for (const name of [task.assignee, ...task.candidates, 'sales1']) if (name) involvedInTask.add(name);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the authorization matrix of the demo organisation', () => {
  it('gives every role exactly its scope on every record route', async () => {
    for (const { username } of users) {
      const client: HttpClient = await stack.as(username);
      for (const entity of entities) {
        for (const owner of owners) {
          const id = records[entity][owner];
          const base = `/api/records/${entity}/${id}`;
          const canRead = reaches(username, entity, 'read', owner) || (entity === 'quote' && owner === 'sales1' && involvedInTask.has(username));
          const label = `${username} ${entity} of ${owner}`;
          for (const path of [base, `${base}/history`, `${base}/stages`]) {
            const res = await client.get(path);
            check(canRead ? res.status === 200 : res.status === 403, `GET ${path} (${label}): ${res.status}`);
            if (res.status === 200) noHidden(username, entity, res.body, `GET ${path}`);
          }
          // a version that cannot match: allowed writes stop at 412, refused ones at 403, nothing changes
          const patch = await client.patch(base, {}, { 'if-match': '999' });
          check(reaches(username, entity, 'update', owner) ? patch.status === 412 : patch.status === 403, `PATCH ${label}: ${patch.status}`);
          const del = await client.delete(base, { 'if-match': '999' });
          check(reaches(username, entity, 'delete', owner) ? del.status === 412 : del.status === 403, `DELETE ${label}: ${del.status}`);
          const stage = await client.post(`${base}/stage`, { to: 'no-such-stage' });
          check(reaches(username, entity, 'update', owner) ? stage.status !== 403 : stage.status === 403, `POST stage ${label}: ${stage.status}`);
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(checks).toBeGreaterThanOrEqual(users.length * entities.length * owners.length * 6);
  }, 300_000);

  it('lists, filters and exports only the records in scope, without hidden fields', async () => {
    leaks.length = 0;
    for (const { username } of users) {
      const client = await stack.as(username);
      for (const entity of entities) {
        const expected = expectedScope(username, entity, 'read') ? readable(username, entity) : null;
        const list = await client.get(`/api/records/${entity}?limit=500`);
        if (expected === null) check(list.status === 403, `list ${entity} as ${username}: ${list.status}`);
        else {
          check(list.status === 200 && JSON.stringify(fixtureIds(list.body.items, entity)) === JSON.stringify(expected), `list ${entity} as ${username}`);
          noHidden(username, entity, list.body.items, `list ${entity}`);
        }
        const canExport = expectedScope(username, entity, 'export');
        const exported = await client.get(`/api/records/${entity}/export?format=json`);
        const exportable = owners.filter((o) => reaches(username, entity, 'export', o)).map((o) => records[entity][o]).sort();
        if (!canExport) check(exported.status === 403, `export ${entity} as ${username}: ${exported.status}`);
        else {
          check(exported.status === 200 && JSON.stringify(fixtureIds(exported.body, entity)) === JSON.stringify(exportable), `export ${entity} as ${username}`);
          noHidden(username, entity, exported.body, `export ${entity}`);
          const csv = await client.get(`/api/records/${entity}/export?format=csv`);
          for (const field of hiddenFor(username, entity)) check(!String(csv.body).includes(field) && !String(csv.body).includes('fraud'), `csv export ${entity} as ${username} names ${field}`);
        }
        if (entity === 'opportunity') {
          const board = await client.get('/api/pipelines/opportunity-sales/board?limit=200');
          if (expected === null) check(board.status === 403, `board as ${username}: ${board.status}`);
          else {
            const onBoard = board.body.columns.flatMap((c: { items: { id: string }[] }) => c.items);
            check(board.status === 200 && JSON.stringify(fixtureIds(onBoard, entity)) === JSON.stringify(expected), `board as ${username}`);
            const counted = board.body.columns.reduce((n: number, c: { count: number }) => n + c.count, 0);
            check(counted === expected.length, `board counts ${counted} records for ${username}, ${expected.length} in scope`);
          }
          const funnel = await client.get('/api/reports/funnel?pipeline=opportunity-sales');
          check(expected === null ? funnel.status === 403 : funnel.status === 200, `funnel as ${username}: ${funnel.status}`);
        }
        if (entity !== 'customer' || expected === null) continue;
        // a filter on the hidden field must not tell which records hold which value
        const filtered = await client.get(`/api/records/customer?filter=${encodeURIComponent('record.blacklistReason == "fraud"')}`);
        const sorted = await client.get('/api/records/customer?sort=blacklistReason');
        if (hiddenFor(username, entity).length) {
          check(filtered.status === 422 && !filtered.body.items, `filter on hidden field as ${username}: ${filtered.status}`);
          check(sorted.status === 422, `sort on hidden field as ${username}: ${sorted.status}`);
        } else {
          check(filtered.status === 200 && JSON.stringify(fixtureIds(filtered.body.items, entity)) === JSON.stringify(expected), `filter as ${username}: ${filtered.status}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  }, 300_000);

  it('shows processes, tasks and inbox items by record visibility plus the task assignment', async () => {
    leaks.length = 0;
    for (const { username, roles } of users) {
      const client = await stack.as(username);
      const mayRead = reaches(username, 'quote', 'read', 'sales1') || involvedInTask.has(username);
      const view = await client.get(`/api/processes/${encodeURIComponent(processId)}`);
      check(mayRead ? view.status === 200 : view.status === 403, `GET process as ${username}: ${view.status}`);
      const listed = await client.get(`/api/processes?recordId=${records.quote.sales1}`);
      check(listed.status === 200 && listed.body.items.some((p: { id: string }) => p.id === processId) === mayRead, `process list as ${username}`);
      const task = await client.get(`/api/tasks/${encodeURIComponent(taskId)}`);
      const onTask = involvedInTask.has(username) || roles.includes('admin');
      check(onTask ? task.status === 200 : task.status === 403, `GET task as ${username}: ${task.status}`);
      if (task.status === 200) noHidden(username, 'quote', task.body, 'GET task');
      const feed = await client.get('/api/notifications?limit=200');
      check(feed.status === 200, `notifications of ${username}: ${feed.status}`);
      if (hiddenFor(username, 'customer').length) check(!JSON.stringify(feed.body).includes('fraud'), `a notification shows the hidden value to ${username}`);
      const inbox = await client.get('/api/inbox');
      check(inbox.status === 200 && inbox.body.items.every((t: { assignee: string | null; candidates: string[] }) => t.assignee === username || t.candidates.includes(username)),
        `inbox of ${username} holds a task that is not theirs`);
      const simulation = await client.post('/api/config/simulate', { process: 'quote-approval', record: quoteData(5, 1000), script: { tasks: [], events: [] } });
      check(roles.includes('admin') ? simulation.status !== 403 : simulation.status === 403, `simulate as ${username}: ${simulation.status}`);
      if (simulation.status === 200) noHidden(username, 'quote', simulation.body.recordChanges, 'simulation');
      for (const owner of owners) {
        // runs started earlier in this loop give tasks on these customers: a task's assignee or candidate may read the record
        const onCustomer = await stack.orm.em.fork().getConnection().execute(
          `select 1 from tasks where record_id = ? and (assignee = ? or jsonb_exists(candidates, ?) or decided_by = ?)`, [records.customer[owner], username, username, username]);
        const start = await client.post('/api/processes', { process: 'customer-review', entity: 'customer', recordId: records.customer[owner] });
        const allowed = reaches(username, 'customer', 'read', owner) || onCustomer.length > 0;
        check(allowed ? start.status !== 403 : start.status === 403, `start customer-review on ${owner}'s customer as ${username}: ${start.status}`);
        if (start.status === 201) {
          const run = await client.get(`/api/processes/${encodeURIComponent(start.body.id)}`);
          check(run.status === 200, `GET the customer-review run as ${username}: ${run.status}`);
          noHidden(username, 'customer', run.body, 'GET customer-review run');
          if (hiddenFor(username, 'customer').length) check(!JSON.stringify(run.body).includes('fraud'), `customer-review run shows the hidden value to ${username}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  }, 300_000);

  it('lets only roles with "owner": "write" reassign, and only to owners within their update scope', async () => {
    leaks.length = 0;
    const admin = await stack.as('admin');
    const transfer: Record<string, string> = {};
    for (const owner of owners) transfer[owner] = (await (await stack.as(owner)).post('/api/records/customer', { name: `Transfer of ${owner}`, owner })).body.id;
    const refusedAtOwner = (res: { status: number; body: any }, path: string) => res.status === 422 && res.body.error.code === 'FORBIDDEN_FIELD'
      && res.body.error.details.some((d: { path: string }) => d.path === path);
    let permitted = 0;
    let refused = 0;
    for (const { username } of users) {
      const client = await stack.as(username);
      for (const target of owners) {
        const expectTransfer = target === username || (mayTransfer(username, 'customer') && reaches(username, 'customer', 'update', target));
        for (const owner of owners) {
          const res = await client.patch(`/api/records/customer/${transfer[owner]}`, { owner: target });
          const label = `${username} reassigns ${owner}'s customer to ${target}: ${res.status}`;
          if (!reaches(username, 'customer', 'update', owner)) check(res.status === 403, label);
          else if (target === owner || expectTransfer) check(res.status === 200 && res.body.data.owner === target, label);
          else check(refusedAtOwner(res, '/owner'), label);
          if (res.status === 200) permitted++;
          else if (res.status === 422) refused++;
          const stored = await stack.orm.em.fork().getConnection().execute(`select data->>'owner' as owner from records where id = ?`, [transfer[owner]]);
          check(stored[0].owner === (res.status === 200 ? target : owner), `${label}: stored owner ${stored[0].owner}`);
          if (stored[0].owner !== owner) await admin.patch(`/api/records/customer/${transfer[owner]}`, { owner });
        }
        const created = await client.post('/api/records/customer', { name: `New for ${target}`, owner: target });
        check(expectTransfer ? created.status === 201 : refusedAtOwner(created, '/owner'), `${username} creates a customer for ${target}: ${created.status}`);
        const imported = await client.post('/api/records/customer/import', [{ name: 'Imported', owner: username }, { name: `Imported for ${target}`, owner: target }]);
        check(expectTransfer ? imported.status === 200 && imported.body.imported === 2 : refusedAtOwner(imported, '/1/owner'), `${username} imports a customer for ${target}: ${imported.status}`);
      }
    }
    const sales1 = await stack.as('sales1');
    const csv = await fetch(`${stack.url}/api/records/customer/import`, {
      method: 'POST', headers: { authorization: `Bearer ${sales1.token}`, 'content-type': 'text/csv' }, body: 'name,owner\nMine,sales1\nTheirs,sales2\n',
    });
    const csvBody = await csv.json() as { error: { details: { path: string }[] } };
    check(csv.status === 422 && csvBody.error.details[0].path === '/1/owner', `csv import for another owner as sales1: ${csv.status}`);
    // a stage move writes its `data` along: the same rule
    const moved = await sales1.post(`/api/records/opportunity/${records.opportunity.sales1}/stage`, { to: 'qualified', data: { owner: 'sales2' } });
    check(refusedAtOwner(moved, '/data/owner'), `stage move handing the opportunity to sales2 as sales1: ${moved.status}`);
    const stored = await stack.orm.em.fork().getConnection().execute(`select count(*)::int as n from records where entity = 'customer' and data->>'name' in ('Mine', 'Theirs')`);
    check(stored[0].n === 0, 'a refused csv import was stored');
    expect(leaks).toEqual([]);
    expect(permitted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 300_000);

  it('refuses writes of hidden fields by the roles that may not see them, and audits each refusal', async () => {
    leaks.length = 0;
    const sales1 = await stack.as('sales1');
    const created = await sales1.post('/api/records/customer', { name: 'Sneaky', blacklistReason: 'x' });
    check(created.status === 422 && created.body.error.code === 'FORBIDDEN_FIELD' && created.body.error.details[0].path === '/blacklistReason', `create with hidden field: ${created.status}`);
    const patched = await sales1.patch(`/api/records/customer/${records.customer.sales1}`, { data: { blacklistReason: null } });
    check(patched.status === 422 && patched.body.error.details[0].path === '/data/blacklistReason', `patch of hidden field: ${patched.status}`);
    const imported = await fetch(`${stack.url}/api/records/customer/import`, {
      method: 'POST', headers: { authorization: `Bearer ${sales1.token}`, 'content-type': 'text/csv' }, body: 'name,blacklistReason\nA,b\n',
    });
    check(imported.status === 422, `csv import of hidden field: ${imported.status}`);
    const json = await sales1.post('/api/records/customer/import', [{ name: 'A' }, { name: 'A', blacklistReason: 'b' }]);
    check(json.status === 422 && json.body.error.details[0].path === '/1/blacklistReason', `json import of hidden field: ${json.status}`);
    const stored = await stack.orm.em.fork().getConnection().execute(`select count(*)::int as n from records where entity = 'customer' and data->>'name' in ('Sneaky', 'A')`);
    check(stored[0].n === 0, 'a refused write was stored');
    const denials = await stack.orm.em.fork().getConnection().execute(`select count(*)::int as n from audit_entries where entity = 'request' and action = 'forbidden' and actor = 'sales3'`);
    check(denials[0].n > 0, 'refusals of sales3 are not audited');
    expect(leaks).toEqual([]);
  });
});
