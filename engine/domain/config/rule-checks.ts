import { joinPointer } from '../errors.js';
import { ruleReferences } from '../records/rule-scope.js';
import { checkCelInEnvironment, checkCelAgainstEntity, type KnownMembers } from './cel-check.js';
import { ruleEnvironment } from './cel-types.js';
import { checkField, report, type BundleContext, type EntityInfo } from './context.js';
import { isObj, itemsOf } from './json-reading.js';

/**
 * An entity's `rules`: ids unique, `when` a boolean CEL condition over the record, `previous`, `actor`, `now` and
 * the referenced records (each reference field under its own name, typed from the referenced entity), `path` a
 * pointer whose first segment is a field.
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
    if (typeof rule.when === 'string') {
      const known = { name: entity.name, definition: entity.definition };
      const whenPath = joinPointer(at, 'when');
      if (environment) ctx.errors.push(...checkCelInEnvironment(environment, rule.when, whenPath, known, 'bool', members));
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
