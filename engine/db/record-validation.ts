import { createEntityValidator, readOnlyFields } from '../domain/records/entity-validator.js';
import { DomainError, type ErrorDetail, joinPointer } from '../domain/errors.js';
import type { PublishedConfig } from './config-store.js';

interface EntityRules {
  validate: (data: unknown) => ErrorDetail[];
  readOnly: string[];
  defaults: Record<string, unknown>;
}

const compiled = new Map<string, EntityRules>();

interface EntityDefinitionLike {
  schema: { properties?: Record<string, { default?: unknown }> };
}

export function entityDefinition(config: PublishedConfig, entity: string): EntityDefinitionLike {
  const entities = (config.bundle.entities ?? {}) as Record<string, EntityDefinitionLike>;
  const definition = Object.hasOwn(entities, entity) ? entities[entity] : undefined;
  if (!definition) throw new DomainError('NOT_FOUND', `entity "${entity}" is not configured`);
  return definition;
}

/** Compiled once per configuration version and entity, then cached. */
export function entityRules(config: PublishedConfig, entity: string): EntityRules {
  const key = `${config.hash}:${entity}`; // the content hash: version numbers repeat across databases
  let rules = compiled.get(key);
  if (!rules) {
    const definition = entityDefinition(config, entity);
    const defaults = Object.fromEntries(
      Object.entries(definition.schema.properties ?? {})
        .filter(([, p]) => p.default !== undefined)
        .map(([name, p]) => [name, p.default]),
    );
    rules = { validate: createEntityValidator(definition.schema), readOnly: readOnlyFields(definition.schema), defaults };
    compiled.set(key, rules);
  }
  return rules;
}

/**
 * Checks data written by a user: read-only fields may not change (on create they may only carry their default),
 * then the whole record must satisfy the entity schema. `pathPrefix` locates the data inside the request body.
 */
export function validateUserData(
  rules: EntityRules,
  next: Record<string, unknown>,
  current: Record<string, unknown> | null,
  pathPrefix: string,
): Record<string, unknown> {
  const details: ErrorDetail[] = [];
  for (const field of rules.readOnly) {
    if (!(field in next)) continue;
    const allowed = current ? current[field] : rules.defaults[field];
    if (JSON.stringify(next[field]) !== JSON.stringify(allowed)) {
      details.push({ path: joinPointer(pathPrefix, field), message: `${field} is read-only`, code: 'READ_ONLY_FIELD' });
    }
  }
  const data = structuredClone(next);
  details.push(...validateData(rules, data, pathPrefix));
  if (details.length) throw new DomainError('VALIDATION_FAILED', 'the record is invalid', details);
  return data;
}

/** Validates (and fills defaults into) data in place; returns the problems with prefixed paths. */
export function validateData(rules: EntityRules, data: Record<string, unknown>, pathPrefix: string): ErrorDetail[] {
  return rules.validate(data).map((d) => ({ ...d, path: pathPrefix + d.path }));
}
