import { joinPointer } from '../errors.js';
import { checkCel } from './cel-check.js';
import type { ConfigError } from './codes.js';

/**
 * Cross-reference checks that a meta-schema cannot express. They read the bundle defensively: parts that are
 * malformed were already reported as SCHEMA_VIOLATION and are skipped here.
 */

type Obj = Record<string, unknown>;

interface EntityInfo {
  name: string;
  fields: Set<string>;
}

/** Record metadata that a notification may address besides the entity's own fields. */
const metadataUserFields = new Set(['createdBy', 'updatedBy']);

function isObj(value: unknown): value is Obj {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function entriesOf(value: unknown): [string, unknown][] {
  return isObj(value) ? Object.entries(value) : [];
}

function itemsOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

class ReferenceChecker {
  readonly errors: ConfigError[] = [];
  private readonly entities = new Map<string, EntityInfo | null>();
  private readonly roles: Set<string> | null;

  constructor(private readonly bundle: Obj) {
    for (const [name, entity] of entriesOf(bundle.entities)) {
      const properties = isObj(entity) && isObj(entity.schema) ? entity.schema.properties : undefined;
      this.entities.set(name, isObj(properties) ? { name, fields: new Set(Object.keys(properties)) } : null);
    }
    this.roles = isObj(bundle.roles) ? new Set(Object.keys(bundle.roles)) : null;
  }

  run(): ConfigError[] {
    for (const [name, entity] of entriesOf(this.bundle.entities)) this.entity(name, entity);
    for (const [name, chain] of entriesOf(this.bundle.approvalChains)) this.chain(name, chain);
    for (const [name, process] of entriesOf(this.bundle.processes)) this.process(name, process);
    return this.errors;
  }

  private report(code: ConfigError['code'], path: string, message: string): void {
    this.errors.push({ code, path, message });
  }

  private field(entity: EntityInfo | null | undefined, name: unknown, path: string, extra?: Set<string>): void {
    if (!entity || typeof name !== 'string' || entity.fields.has(name) || extra?.has(name)) return;
    this.report('UNKNOWN_FIELD', path, `"${name}" is not a field of entity "${entity.name}"`);
  }

  private cel(expression: unknown, path: string, entity: EntityInfo | null | undefined): void {
    if (typeof expression === 'string') this.errors.push(...checkCel(expression, path, entity ?? undefined));
  }

  /** Resolves the `entity` of a chain or process, reporting it when it names nothing. */
  private entityOf(item: Obj, path: string): EntityInfo | null | undefined {
    const name = item.entity;
    if (typeof name !== 'string') return undefined;
    if (!this.entities.has(name)) {
      this.report('UNKNOWN_ENTITY', joinPointer(path, 'entity'), `entity "${name}" is not defined`);
      return undefined;
    }
    return this.entities.get(name);
  }

  private role(spec: unknown, path: string): void {
    if (!this.roles || !isObj(spec) || typeof spec.role !== 'string' || this.roles.has(spec.role)) return;
    this.report('UNKNOWN_ROLE', joinPointer(path, 'role'), `role "${spec.role}" is not defined in roles`);
  }

  private assignments(set: unknown, path: string, entity: EntityInfo | null | undefined): void {
    for (const [field] of entriesOf(set)) this.field(entity, field, joinPointer(path, field));
  }

  private uniqueStepIds(steps: unknown[], path: string): Set<string> {
    const ids = new Set<string>();
    steps.forEach((step, i) => {
      if (!isObj(step) || typeof step.id !== 'string') return;
      if (ids.has(step.id)) {
        this.report('DUPLICATE_STEP_ID', joinPointer(path, i, 'id'), `step id "${step.id}" is used more than once`);
      }
      ids.add(step.id);
    });
    return ids;
  }

  private entity(name: string, entity: unknown): void {
    if (!isObj(entity)) return;
    const info = this.entities.get(name);
    const path = joinPointer('/entities', name);
    this.field(info, entity.titleField, joinPointer(path, 'titleField'));
    if (isObj(entity.numbering)) this.field(info, entity.numbering.field, joinPointer(path, 'numbering', 'field'));
    itemsOf(entity.indexes).forEach((f, i) => this.field(info, f, joinPointer(path, 'indexes', i)));
  }

  private chain(name: string, chain: unknown): void {
    if (!isObj(chain)) return;
    const path = joinPointer('/approvalChains', name);
    const entity = this.entityOf(chain, path);
    this.cel(chain.entry, joinPointer(path, 'entry'), entity);
    itemsOf(chain.lock).forEach((f, i) => this.field(entity, f, joinPointer(path, 'lock', i)));
    const steps = itemsOf(chain.steps);
    this.uniqueStepIds(steps, joinPointer(path, 'steps'));
    steps.forEach((step, i) => {
      if (!isObj(step)) return;
      const at = joinPointer(path, 'steps', i);
      this.cel(step.when, joinPointer(at, 'when'), entity);
      if (Array.isArray(step.approvers)) {
        step.approvers.forEach((spec, j) => this.role(spec, joinPointer(at, 'approvers', j)));
      } else {
        this.role(step.approvers, joinPointer(at, 'approvers'));
      }
      if (isObj(step.timeout)) this.role(step.timeout.to, joinPointer(at, 'timeout', 'to'));
    });
    for (const outcome of ['onSubmit', 'onApproved', 'onRejected', 'onRecall']) {
      const update = chain[outcome];
      if (isObj(update)) this.assignments(update.set, joinPointer(path, outcome, 'set'), entity);
    }
  }

  private process(name: string, process: unknown): void {
    if (!isObj(process)) return;
    const path = joinPointer('/processes', name);
    const entity = this.entityOf(process, path);
    if (isObj(process.trigger)) this.cel(process.trigger.when, joinPointer(path, 'trigger', 'when'), entity);
    const steps = itemsOf(process.steps);
    const ids = this.uniqueStepIds(steps, joinPointer(path, 'steps'));
    const target = (stepId: unknown, at: string) => {
      if (typeof stepId === 'string' && !ids.has(stepId)) {
        this.report('UNKNOWN_STEP', at, `no step of this process has the id "${stepId}"`);
      }
    };
    steps.forEach((step, i) => {
      if (!isObj(step)) return;
      const at = joinPointer(path, 'steps', i);
      target(step.next, joinPointer(at, 'next'));
      if (step.type === 'approval') this.approvalStep(step, at, typeof process.entity === 'string' ? process.entity : null);
      if (step.type === 'decision') {
        itemsOf(step.branches).forEach((branch, j) => {
          if (!isObj(branch)) return;
          this.cel(branch.when, joinPointer(at, 'branches', j, 'when'), entity);
          target(branch.goto, joinPointer(at, 'branches', j, 'goto'));
        });
        target(step.otherwise, joinPointer(at, 'otherwise'));
      }
      if (step.type === 'action') {
        this.assignments(step.set, joinPointer(at, 'set'), entity);
        this.role(step.to, joinPointer(at, 'to'));
        if (isObj(step.to)) this.field(entity, step.to.field, joinPointer(at, 'to', 'field'), metadataUserFields);
      }
    });
  }

  private approvalStep(step: Obj, path: string, processEntity: string | null): void {
    if (typeof step.chain !== 'string') return;
    const at = joinPointer(path, 'chain');
    const chains = isObj(this.bundle.approvalChains) ? this.bundle.approvalChains : {};
    const chain = Object.hasOwn(chains, step.chain) ? chains[step.chain] : undefined;
    if (chain === undefined) {
      this.report('UNKNOWN_CHAIN', at, `approval chain "${step.chain}" is not defined`);
    } else if (isObj(chain) && typeof chain.entity === 'string' && processEntity && chain.entity !== processEntity) {
      this.report(
        'CHAIN_ENTITY_MISMATCH',
        at,
        `approval chain "${step.chain}" approves "${chain.entity}" records, not "${processEntity}"`,
      );
    }
  }
}

export function checkReferences(bundle: Obj): ConfigError[] {
  return new ReferenceChecker(bundle).run();
}
