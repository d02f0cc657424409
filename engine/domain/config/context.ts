import { joinPointer } from '../errors.js';
import { checkCel, type CelExpectation } from './cel-check.js';
import type { ConfigError, ConfigErrorCode } from './codes.js';
import { entriesOf, fieldSchemas, isObj, type Obj } from './json-reading.js';

/** What the cross-reference checks know about one entity. */
export interface EntityInfo {
  name: string;
  /** `schema.properties` of the definition. */
  properties: Obj;
  definition: Obj;
}

/**
 * The bundle as the cross-reference checks see it, plus the errors they report. An entity maps to null when its
 * schema is malformed or unsafe: checks of the fields of such an entity are skipped (its problem was reported once).
 */
export interface BundleContext {
  bundle: Obj;
  entities: Map<string, EntityInfo | null>;
  /** Null when the bundle has no `roles`: role names are then not checked. */
  roles: Set<string> | null;
  picklists: Set<string>;
  errors: ConfigError[];
  /** Paths the meta-schema already reported (SCHEMA_VIOLATION): analyses of a whole item skip a malformed item. */
  malformed: string[];
}

export function bundleContext(bundle: Obj, unsafeEntities: Set<string>, malformed: string[] = []): BundleContext {
  const entities = new Map<string, EntityInfo | null>();
  for (const [name, definition] of entriesOf(bundle.entities)) {
    const properties = fieldSchemas(definition);
    const usable = properties && isObj(definition) && !unsafeEntities.has(name);
    entities.set(name, usable ? { name, properties, definition } : null);
  }
  return {
    bundle,
    entities,
    roles: isObj(bundle.roles) ? new Set(Object.keys(bundle.roles)) : null,
    picklists: new Set(Object.keys(isObj(bundle.picklists) ? bundle.picklists : {})),
    errors: [],
    malformed,
  };
}

/** Whether the meta-schema reported something at or below `path`. */
export function isMalformed(ctx: BundleContext, path: string): boolean {
  return ctx.malformed.some((p) => p === path || p.startsWith(path + '/'));
}

export function report(ctx: BundleContext, code: ConfigErrorCode, path: string, message: string): void {
  ctx.errors.push({ code, path, message });
}

export function hasField(entity: EntityInfo, name: string): boolean {
  return Object.hasOwn(entity.properties, name);
}

/** Reports `name` unless it is a top-level field of the entity (or one of `extra`). */
export function checkField(
  ctx: BundleContext,
  entity: EntityInfo | null | undefined,
  name: unknown,
  path: string,
  extra?: Set<string>,
): void {
  if (!entity || typeof name !== 'string' || hasField(entity, name) || extra?.has(name)) return;
  report(ctx, 'UNKNOWN_FIELD', path, `"${name}" is not a field of entity "${entity.name}"`);
}

/** A CEL expression (ignored when absent or malformed); conditions pass `expect: 'bool'`. */
export function checkCelAt(
  ctx: BundleContext,
  expression: unknown,
  path: string,
  entity: EntityInfo | null | undefined,
  expect?: CelExpectation,
): void {
  if (typeof expression !== 'string') return;
  const known = entity ? { name: entity.name, definition: entity.definition } : undefined;
  ctx.errors.push(...checkCel(expression, path, known, expect));
}

/** Resolves the `entity` of a chain, process or pipeline, reporting it when it names nothing. */
export function entityOf(ctx: BundleContext, item: Obj, path: string): EntityInfo | null | undefined {
  const name = item.entity;
  if (typeof name !== 'string') return undefined;
  if (!ctx.entities.has(name)) {
    report(ctx, 'UNKNOWN_ENTITY', joinPointer(path, 'entity'), `entity "${name}" is not defined`);
    return undefined;
  }
  return ctx.entities.get(name);
}

/** A business calendar by name (checked only when the bundle has `calendars`). */
export function checkCalendarRef(ctx: BundleContext, name: unknown, path: string): void {
  const calendars = isObj(ctx.bundle.calendars) ? ctx.bundle.calendars : null;
  if (typeof name === 'string' && calendars && !Object.hasOwn(calendars, name)) {
    report(ctx, 'UNKNOWN_CALENDAR', path, `calendar "${name}" is not defined in calendars`);
  }
}

export function checkRole(ctx: BundleContext, spec: unknown, path: string): void {
  if (!ctx.roles || !isObj(spec) || typeof spec.role !== 'string' || ctx.roles.has(spec.role)) return;
  report(ctx, 'UNKNOWN_ROLE', joinPointer(path, 'role'), `role "${spec.role}" is not defined in roles`);
}

/** An approval chain by name: reports UNKNOWN_CHAIN or CHAIN_ENTITY_MISMATCH at `path`. */
export function checkChainRef(ctx: BundleContext, chainName: unknown, path: string, entityName: unknown): void {
  if (typeof chainName !== 'string') return;
  const chains = isObj(ctx.bundle.approvalChains) ? ctx.bundle.approvalChains : {};
  const chain = Object.hasOwn(chains, chainName) ? chains[chainName] : undefined;
  if (chain === undefined) {
    report(ctx, 'UNKNOWN_CHAIN', path, `approval chain "${chainName}" is not defined`);
  } else if (isObj(chain) && typeof chain.entity === 'string' && typeof entityName === 'string' && chain.entity !== entityName) {
    const message = `approval chain "${chainName}" approves "${chain.entity}" records, not "${entityName}"`;
    report(ctx, 'CHAIN_ENTITY_MISMATCH', path, message);
  }
}
