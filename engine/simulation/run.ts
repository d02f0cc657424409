import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ConfigStore } from '../db/config-store.js';
import { UserEntity } from '../db/entities.js';
import { RecordRepository } from '../db/records.js';
import { candidateLoads } from '../db/task-assignment.js';
import { DomainError, type ErrorDetail } from '../domain/errors.js';
import { validateBundle } from '../domain/config/validate-bundle.js';
import { buildRunInput } from '../domain/process/run-input.js';
import { createEntityValidator } from '../domain/records/entity-validator.js';
import { simulate, type SimulationOutcome } from './driver.js';
import { SimulationGate, startTestServer, workflowBundle, type SimulationSettings } from './environment.js';
import { planSimulation, type SimulationRequest } from './request.js';
import { SimulationStore, type EntityValidator, type RecordChange, type SimulatedNotification, type SimulatedTask, type SimulatedWebhookEvent } from './store.js';

/** Set on what belongs to another run than the simulated one (a sub-process, a run a step started). */
type RunMark = { process?: string; processId?: string };

export interface SimulationResponse extends SimulationOutcome {
  processId: string;
  recordId: string;
  tasks: (Omit<SimulatedTask, 'id' | 'workflowId' | 'form' | 'outcomes'> & RunMark)[];
  notifications: (Omit<SimulatedNotification, 'workflowId'> & RunMark)[];
  recordChanges: (Omit<RecordChange, 'workflowId'> & RunMark)[];
  webhooks: SimulatedWebhookEvent[];
  /** Wall-clock time the simulation took, server start included. */
  elapsedMs: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** The draft bundle (valid as a publish requires) or the published one, with the version its runs would carry. */
async function bundleOf(em: EntityManager, draft: Record<string, unknown> | undefined): Promise<{ bundle: Record<string, unknown>; version: number }> {
  if (!draft) {
    const config = await new ConfigStore(em).current();
    return { bundle: config.bundle as Record<string, unknown>, version: config.version };
  }
  const { version: _version, hash: _hash, ...bundle } = draft;
  const result = validateBundle(bundle);
  if (!result.valid) {
    throw new DomainError('CONFIG_INVALID', 'the configuration bundle is invalid', result.errors.map((e) => ({ path: `/bundle${e.path}`, message: e.message, code: e.code })));
  }
  return { bundle, version: 0 };
}

function validatorsOf(bundle: Record<string, unknown>): (entity: string) => EntityValidator {
  const compiled = new Map<string, EntityValidator>();
  return (entity) => {
    let validate = compiled.get(entity);
    if (!validate) {
      const schema = (bundle.entities as Record<string, { schema: object }> | undefined)?.[entity]?.schema;
      if (!schema) throw new DomainError('NOT_FOUND', `entity "${entity}" is not configured`);
      validate = createEntityValidator(schema) as EntityValidator;
      compiled.set(entity, validate);
    }
    return validate;
  };
}

/** The sample record has no id of its own: what a real start reports at `/recordId` concerns `/record`. */
function atRecord<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof DomainError) throw new DomainError(error.code, error.message, error.details.map((d) => (d.path === '/recordId' ? { ...d, path: '/record' } : d)));
    throw error;
  }
}

/**
 * One simulation: checks the request, reads the directory, and runs the real interpreter on a time-skipping server
 * of its own against an in-memory copy of the sample record. Reads the database; writes nothing to it.
 */
export class Simulator {
  private readonly gate: SimulationGate;

  /** `historyLimit`: what real runs get (AppDeps.processHistoryLimit), so a simulated run continues as new where a real one would. */
  constructor(private readonly em: () => EntityManager, private readonly settings: SimulationSettings = {}, private readonly historyLimit?: number) {
    this.gate = new SimulationGate(settings.concurrency ?? 2);
  }

  async run(request: SimulationRequest, caller: string): Promise<SimulationResponse> {
    const began = Date.now();
    const em = this.em();
    const { bundle, version } = await bundleOf(em, request.bundle);
    const plan = planSimulation(bundle, request);
    if (request.start && Date.parse(request.start) < Date.now() - 60_000) {
      // a fresh test server's clock starts at the real now and only moves forward
      throw new DomainError('VALIDATION_FAILED', 'a simulation starts now or later', [{ path: '/start', message: 'must not lie in the past' }]);
    }
    const users = (await em.find(UserEntity, {}, { orderBy: { username: 'asc' } }))
      .map((u) => ({ username: u.username, roles: u.roles, manager: u.manager ?? null, active: u.active, attributes: u.attributes ?? {} }));
    const requester = request.requester ?? caller;
    if (!users.some((u) => u.username === requester)) {
      throw new DomainError('VALIDATION_FAILED', `user ${requester} does not exist`, [{ path: '/requester', message: 'unknown user' }]);
    }
    const validators = validatorsOf(bundle);
    const data = structuredClone(request.record);
    const problems: ErrorDetail[] = validators(plan.entity)(data).map((p) => ({ ...p, path: `/record${p.path}` }));
    if (problems.length) throw new DomainError('VALIDATION_FAILED', `the sample ${plan.entity} is invalid`, problems);

    const store = new SimulationStore(bundle, users, validators);
    store.number(plan.entity, data, request.start ?? new Date().toISOString());
    const recordId = randomUUID();
    store.records.set(recordId, { entity: plan.entity, data });
    const input = atRecord(() => buildRunInput(bundle, version, { process: request.process, recordId, requester }, data, { historyLimit: this.historyLimit }));
    const workflowCode = await workflowBundle(this.settings);

    const outcome = await this.gate.run(async () => {
      const env = await startTestServer(this.settings);
      try {
        return await simulate({
          env, workflowBundle: workflowCode, store, plan, input, start: request.start, timeoutMs: this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          realLoads: (rule, process, stepId) => candidateLoads(this.em(), rule, process, stepId),
          readRecord: async (entity, id) => (await new RecordRepository(this.em()).get(entity, id).catch(() => null))?.data ?? null,
        });
      } finally {
        await env.teardown().catch(() => undefined);
      }
    });
    const mark = (workflowId: string | undefined): RunMark => {
      const owner = store.runOf(workflowId);
      return owner && owner.processId !== input.processId ? { process: owner.process, processId: owner.processId } : {};
    };
    return {
      ...outcome, processId: input.processId, recordId,
      tasks: store.taskList().map(({ id: _id, workflowId, form: _form, outcomes: _outcomes, ...task }) => ({ ...task, ...mark(workflowId) })),
      notifications: store.notifications.map(({ workflowId, ...n }) => ({ ...n, ...mark(workflowId) })),
      recordChanges: store.recordChanges.map(({ workflowId, ...c }) => ({ ...c, ...mark(workflowId) })),
      webhooks: store.webhooks, elapsedMs: Date.now() - began,
    };
  }
}
