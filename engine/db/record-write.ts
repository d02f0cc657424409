import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, joinPointer, type ErrorDetail } from '../domain/errors.js';
import { applyComputed, checkPicklists, entityFeatures, formatNumber, numberingScope, utcDateParts, type EntityFeatures } from '../domain/records/features.js';
import { fieldCatalog, fieldExpression, type FieldCatalog } from '../domain/query/fields.js';
import { declaredFields, writableFieldProblems, type DeclaredFields } from '../domain/records/mass-assignment.js';
import { entityDefinition, entityRules, validateData } from './record-validation.js';
import { runSql } from './record-sql.js';
import { ConfigStore, type PublishedConfig } from './config-store.js';
import type { EntityRule } from '../domain/config/types.js';
import { ruleReferences } from '../domain/records/rule-scope.js';
import { evaluateRules, ruleApplies, type RuleWarning } from '../domain/records/rules.js';
import { compileAggregate, type AggregateQuery } from '../domain/records/rule-aggregates.js';
import { bindFilterParams } from '../domain/query/filter.js';

/** Everything a write or a query needs to know about one entity of one configuration version. */
export interface EntityContext {
  config: PublishedConfig;
  entity: string;
  rules: ReturnType<typeof entityRules>;
  features: EntityFeatures;
  catalog: FieldCatalog;
  /** The fields a record write may name. */
  fields: DeclaredFields;
  /**
   * The entity's `rules`, the reference fields they may read (field -> referenced entity) and, per rule id, the
   * queries of its aggregates (an aggregate that does not compile is left out: the rule then reports RULE_NOT_EVALUATED).
   */
  writeRules: { rules: EntityRule[]; references: Map<string, string>; aggregates: Map<string, Map<string, AggregateQuery>> };
}

const contexts = new Map<string, EntityContext>();

/**
 * The current configuration: asks only for the latest version number (the store caches published versions, which
 * are immutable), instead of loading the whole bundle on every records request.
 */
/** The current configuration; reads pass `READ_STALENESS_MS` to skip a database round trip, writes pass nothing. */
export async function currentConfig(em: EntityManager, maxAgeMs = 0): Promise<PublishedConfig> {
  const store = new ConfigStore(em);
  const version = await store.latestVersion(maxAgeMs);
  if (version === null) throw new DomainError('NOT_FOUND', 'no configuration has been published yet');
  return store.get(version);
}

export function entityContext(config: PublishedConfig, entity: string): EntityContext {
  const key = `${config.hash}:${entity}`; // the content hash: version numbers repeat across databases
  let context = contexts.get(key);
  if (!context) {
    const definition = entityDefinition(config, entity) as unknown as Record<string, unknown>;
    const rules = Array.isArray(definition.rules) ? definition.rules as EntityRule[] : [];
    const catalog = fieldCatalog(definition.schema);
    context = {
      config, entity, rules: entityRules(config, entity),
      features: entityFeatures(config.bundle, definition), catalog, fields: declaredFields(definition.schema),
      writeRules: { rules, references: ruleReferences(definition), aggregates: aggregateQueries(config, rules, catalog) },
    };
    contexts.set(key, context);
  }
  return context;
}

/** The queries of the rules' aggregates, per rule id and aggregate name. */
function aggregateQueries(config: PublishedConfig, rules: EntityRule[], subject: FieldCatalog): Map<string, Map<string, AggregateQuery>> {
  const queries = new Map<string, Map<string, AggregateQuery>>();
  for (const rule of rules) {
    const compiled = new Map<string, AggregateQuery>();
    for (const [name, aggregate] of Object.entries(rule.aggregates ?? {})) {
      try {
        const target = entityDefinition(config, aggregate.entity) as unknown as Record<string, unknown>;
        const features = entityFeatures(config.bundle, target);
        compiled.set(name, compileAggregate(aggregate, fieldCatalog(target.schema), subject, [...features.indexes, ...features.unique]));
      } catch {
        // publish refuses such an aggregate; a version stored before that check reports the rule as not evaluated
      }
    }
    if (compiled.size) queries.set(rule.id, compiled);
  }
  return queries;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Fields only the system writes: schema `readOnly`, `x-computed` and the numbering field. */
function readOnlyProblems(ctx: EntityContext, merged: Record<string, unknown>, input: Record<string, unknown>,
  current: Record<string, unknown> | null, prefix: string): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const flag = (field: string) => details.push({ path: joinPointer(prefix, field), message: `${field} is read-only`, code: 'READ_ONLY_FIELD' });
  for (const field of ctx.rules.readOnly) {
    if (!(field in merged)) continue;
    const allowed = current ? current[field] : ctx.rules.defaults[field];
    if (!same(merged[field], allowed)) flag(field);
  }
  const system = [...ctx.features.computed.map((c) => c.field), ...(ctx.features.numbering ? [ctx.features.numbering.field] : [])];
  for (const field of system) {
    if (ctx.rules.readOnly.includes(field) || !(field in input)) continue;
    if (!current || !same(input[field], current[field])) flag(field);
  }
  return details;
}


/** Draws the next number of the entity's pattern period; the counter row stays locked until the transaction ends. */
async function nextNumber(em: EntityManager, entity: string, pattern: string, now: Date): Promise<string> {
  const date = utcDateParts(now);
  const [row] = await runSql<{ value: string }>(em,
    `insert into record_counters (entity, scope, value) values ($1, $2, 1)
     on conflict (entity, scope) do update set value = record_counters.value + 1 returning value::text`,
    [entity, numberingScope(pattern, date)]);
  return formatNumber(pattern, date, BigInt(row.value));
}

export interface PrepareInput {
  /** The complete data after the merge-patch (or the input on create). */
  merged: Record<string, unknown>;
  /** What the caller sent: the create body or the patch document. */
  input: Record<string, unknown>;
  current: { id: string; data: Record<string, unknown> } | null;
  prefix: string;
  now: Date;
  /** System writes (process outcomes) may set read-only fields; they do not run the entity's rules. */
  system?: boolean;
  /** Who writes: the rules' `actor`. */
  actor?: string;
}

/** The data to store and the warnings of the entity's rules that fired. */
export interface PreparedWrite {
  data: Record<string, unknown>;
  warnings: RuleWarning[];
}

/**
 * Turns a requested write into the data to store, inside the caller's transaction: system and unknown fields,
 * read-only rules, defaults, computed fields, numbering (create), schema, picklists, then references, users and
 * unique fields against the database, then (user writes) the entity's rules. Problems with the data and error rules
 * throw 422; a taken unique value throws 409; warning rules come back with the data.
 */
export async function prepareData(em: EntityManager, ctx: EntityContext, request: PrepareInput): Promise<PreparedWrite> {
  const { prefix, current } = request;
  const fieldDetails = request.system ? [] : writableFieldProblems(request.input, ctx.fields, prefix, current?.data ?? null);
  if (fieldDetails.length) {
    const code = fieldDetails.some((d) => d.code === 'FORBIDDEN_FIELD') ? 'FORBIDDEN_FIELD' : 'UNKNOWN_FIELD';
    throw new DomainError(code, 'the write names fields it may not set', fieldDetails);
  }
  const details = request.system ? [] : readOnlyProblems(ctx, request.merged, request.input, current?.data ?? null, prefix);
  details.push(...nulProblems(request.merged, prefix));
  if (details.length) throw new DomainError('VALIDATION_FAILED', 'the record is invalid', details);
  const data = structuredClone(request.merged);
  ctx.rules.validate(data);
  details.push(...applyComputed(data, ctx.features, prefix));
  const numbering = ctx.features.numbering;
  if (numbering && !current && !details.length) data[numbering.field] = await nextNumber(em, ctx.entity, numbering.pattern, request.now);
  details.push(...validateData(ctx.rules, data, prefix), ...checkPicklists(data, ctx.features, prefix));
  if (!details.length) details.push(...await checkReferences(em, ctx, data, prefix));
  if (details.length) throw new DomainError('VALIDATION_FAILED', 'the record is invalid', details);
  await checkUnique(em, ctx, data, current?.id ?? null, prefix);
  if (request.system || !ctx.writeRules.rules.length) return { data, warnings: [] };
  const on = current ? 'update' : 'create';
  const outcome = evaluateRules(ctx.writeRules.rules, {
    on, record: data, previous: current?.data, actor: request.actor ?? '', now: request.now.toISOString(),
    references: await referencedData(em, ctx, data), aggregates: await aggregateValues(em, ctx, data, on),
  }, prefix);
  if (outcome.errors.length) throw new DomainError('VALIDATION_FAILED', 'the record breaks a rule of its entity', outcome.errors);
  return { data, warnings: outcome.warnings };
}

/** The data of the records the rules may read, by reference field; an empty reference reads as an empty object. */
async function referencedData(em: EntityManager, ctx: EntityContext, data: Record<string, unknown>): Promise<Record<string, Record<string, unknown>>> {
  const references: Record<string, Record<string, unknown>> = {};
  for (const [field, entity] of ctx.writeRules.references) {
    const id = data[field];
    references[field] = {};
    if (typeof id !== 'string' || !UUID.test(id)) continue;
    const [row] = await runSql<{ data: Record<string, unknown> | string }>(em,
      `select data from records where id = $1::uuid and entity = $2 and deleted_at is null`, [id, entity]);
    if (row) references[field] = typeof row.data === 'string' ? JSON.parse(row.data) as Record<string, unknown> : row.data;
  }
  return references;
}

/**
 * The aggregates of the rules that run on this write, each one query in the write's transaction (it sees the
 * transaction's own earlier writes); `subject` in their `where` is the record being written.
 */
async function aggregateValues(em: EntityManager, ctx: EntityContext, data: Record<string, unknown>,
  on: 'create' | 'update'): Promise<Record<string, Record<string, number>>> {
  const values: Record<string, Record<string, number>> = {};
  for (const rule of ctx.writeRules.rules) {
    const queries = ctx.writeRules.aggregates.get(rule.id);
    if (!queries || !ruleApplies(rule, on)) continue;
    values[rule.id] = {};
    for (const [name, query] of queries) {
      const [row] = await runSql<{ total: string }>(em, query.sql, bindFilterParams(query.params, { subject: data }));
      values[rule.id][name] = Number(row.total);
    }
  }
  return values;
}

/** PostgreSQL's jsonb cannot store U+0000; refuse it at its path instead of failing in the database. */
function nulProblems(value: unknown, path: string): ErrorDetail[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [{ path, message: 'text may not contain NUL characters', code: 'VALIDATION_FAILED' }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => nulProblems(v, joinPointer(path, i)));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [
      ...(k.includes('\u0000') ? [{ path, message: 'field names may not contain NUL characters', code: 'VALIDATION_FAILED' }] : []),
      ...nulProblems(v, joinPointer(path, k)),
    ]);
  }
  return [];
}

async function checkReferences(em: EntityManager, ctx: EntityContext, data: Record<string, unknown>, prefix: string): Promise<ErrorDetail[]> {
  const details: ErrorDetail[] = [];
  for (const { field, entity } of ctx.features.references) {
    const value = data[field];
    if (value === undefined || value === null) continue;
    const path = joinPointer(prefix, field);
    if (typeof value !== 'string' || !UUID.test(value)) {
      details.push({ path, message: `${field} must be the id of a ${entity} record`, code: 'INVALID_REFERENCE' });
      continue;
    }
    const found = await runSql(em, `select id from records where id = $1::uuid and entity = $2 and deleted_at is null for share`, [value, entity]);
    if (!found.length) details.push({ path, message: `${entity} ${value} does not exist`, code: 'INVALID_REFERENCE' });
  }
  for (const field of ctx.features.users) {
    const value = data[field];
    if (value === undefined || value === null) continue;
    const found = typeof value === 'string' ? await runSql(em, `select username from users where username = $1`, [value]) : [];
    if (!found.length) details.push({ path: joinPointer(prefix, field), message: `user ${JSON.stringify(value)} does not exist`, code: 'UNKNOWN_USER' });
  }
  return details;
}

/** Serialised per (entity, field, value) by an advisory lock, so the check holds even without the unique index. */
async function checkUnique(em: EntityManager, ctx: EntityContext, data: Record<string, unknown>, id: string | null, prefix: string): Promise<void> {
  for (const field of ctx.features.unique) {
    const value = data[field];
    if (value === undefined || value === null) continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    await runSql(em, `select pg_advisory_xact_lock(hashtextextended($1, 0))`, [`${ctx.entity}\u0001${field}\u0001${text}`]);
    const taken = await runSql<{ id: string }>(em,
      `select id from records where entity = $1 and deleted_at is null and ${fieldExpression([field], 'text')} = $2
       and ($3::uuid is null or id <> $3::uuid) limit 1`, [ctx.entity, text, id]);
    if (taken.length) {
      throw new DomainError('CONFLICT', `another ${ctx.entity} already has this ${field}`, [
        { path: joinPointer(prefix, field), message: `${JSON.stringify(value)} is already used by ${ctx.entity} ${taken[0].id}`, code: 'NOT_UNIQUE' },
      ]);
    }
  }
}
