import { joinPointer } from '../errors.js';
import { fieldCatalog } from '../query/fields.js';
import { entityFeatures } from '../records/features.js';
import { AggregateProblem, compileAggregate } from '../records/rule-aggregates.js';
import { ruleReferences } from '../records/rule-scope.js';
import { checkCelInEnvironment, checkCelAgainstEntity, type KnownMembers } from './cel-check.js';
import { ruleEnvironment } from './cel-types.js';
import { checkField, report, type BundleContext, type EntityInfo } from './context.js';
import { entriesOf, isObj, itemsOf } from './json-reading.js';

/**
 * An entity's `rules`: ids unique, `when` a boolean CEL condition over the record, `previous`, `actor`, `now`, the
 * rule's `aggregates` and the referenced records (each reference field under its own name, typed from the referenced
 * entity), `path` a pointer whose first segment is a field.
 */
export function checkEntityRules(ctx: BundleContext, entity: EntityInfo, rules: unknown, path: string): void {
  const references: Record<string, unknown> = {};
  const members: KnownMembers = {};
  for (const [field, target] of ruleReferences(entity.definition)) {
    const info = ctx.entities.get(target);
    references[field] = info?.definition;
    if (info) members[field] = { keys: new Set(Object.keys(info.properties)), what: `is not a field of entity "${target}"` };
  }
  const environment = ruleEnvironment(entity.definition, references);
  const seen = new Set<string>();
  itemsOf(rules).forEach((rule, i) => {
    if (!isObj(rule)) return;
    const at = joinPointer(path, i);
    if (typeof rule.id === 'string') {
      if (seen.has(rule.id)) report(ctx, 'DUPLICATE_VALUE', joinPointer(at, 'id'), `rule id "${rule.id}" is used twice in entity "${entity.name}"`);
      seen.add(rule.id);
    }
    const aggregates = entriesOf(rule.aggregates);
    for (const [name, aggregate] of aggregates) checkAggregate(ctx, entity, aggregate, joinPointer(at, 'aggregates', name));
    if (typeof rule.when === 'string') {
      const known = { name: entity.name, definition: entity.definition };
      const whenPath = joinPointer(at, 'when');
      const ruleMembers = { ...members, aggregates: { keys: new Set(aggregates.map(([name]) => name)), what: `is not an aggregate of rule "${String(rule.id)}"` } };
      if (environment) ctx.errors.push(...checkCelInEnvironment(environment, rule.when, whenPath, known, 'bool', ruleMembers));
      else {
        const problem = checkCelAgainstEntity(rule.when, entity.definition, { expect: 'bool', entityName: entity.name });
        if (problem) report(ctx, problem.code, whenPath, problem.message);
      }
    }
    if (typeof rule.path === 'string' && rule.path.startsWith('/')) {
      const field = rule.path.slice(1).split('/')[0].replace(/~1/g, '/').replace(/~0/g, '~');
      checkField(ctx, entity, field, joinPointer(at, 'path'));
    }
  });
}

/**
 * One aggregate: its entity exists, `sum` is arithmetic over that entity's numeric fields, `where` translates to SQL
 * (a list filter that may compare with `subject`, the rule's own record) and compares an indexed field with ==.
 */
function checkAggregate(ctx: BundleContext, subject: EntityInfo, aggregate: unknown, path: string): void {
  if (!isObj(aggregate) || typeof aggregate.entity !== 'string' || typeof aggregate.sum !== 'string' || typeof aggregate.where !== 'string') return;
  if (!ctx.entities.has(aggregate.entity)) {
    report(ctx, 'UNKNOWN_ENTITY', joinPointer(path, 'entity'), `entity "${aggregate.entity}" is not defined`);
    return;
  }
  const target = ctx.entities.get(aggregate.entity);
  if (!target) return;
  const features = entityFeatures(ctx.bundle, target.definition);
  try {
    compileAggregate({ entity: aggregate.entity, sum: aggregate.sum, where: aggregate.where }, fieldCatalog(target.definition.schema),
      fieldCatalog(subject.definition.schema), [...features.indexes, ...features.unique]);
  } catch (error) {
    if (!(error instanceof AggregateProblem)) throw error;
    report(ctx, error.code, joinPointer(path, error.part), `${error.message} (aggregate over entity "${aggregate.entity}")`);
  }
}
