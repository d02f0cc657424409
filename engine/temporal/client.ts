import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowUpdateFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure, WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type UpdateDefinition } from '@temporalio/common';
import { isUpdateUndelivered, UPDATE_RETRY_MS } from './update-retry.js';
import { retrying } from '../retry.js';
import { decideUpdate, reassignUpdate, recallUpdate, recordChangedSignal, processStateQuery, approvalStateQuery, businessEventSignal, claimUpdate, releaseUpdate, deliverEventUpdate, type ClaimInput, type DecisionInput, type DecisionResult, type ReassignInput, type RecallInput, type ProcessState, type ApprovalState } from '../../workflows/messages.js';
import type { ProcessInput } from '../../workflows/process.js';
import { DomainError, ErrorCode } from '../domain/errors.js';
import { workflowStarts } from '../metrics.js';
import { connectionOptions, type TemporalAccess } from './connection.js';

export interface TemporalSettings extends TemporalAccess {
  taskQueue: string;
}

export async function connectTemporal(settings: TemporalSettings): Promise<FlowClient> {
  const connection = await Connection.connect(connectionOptions(settings));
  return new FlowClient(new Client({ connection, namespace: settings.namespace }), settings.taskQueue);
}

const knownCodes = new Set<string>(Object.values(ErrorCode));

/** Typed start / update / signal / query helpers over the Temporal client. */
export class FlowClient {
  constructor(readonly client: Client, readonly taskQueue: string, private readonly updateRetryMs = UPDATE_RETRY_MS) {}

  async close(): Promise<void> {
    await this.client.connection.close();
  }

  async healthy(): Promise<boolean> {
    try {
      await this.client.workflowService.getSystemInfo({});
      return true;
    } catch {
      return false;
    }
  }

  /** Starts a process under its business-key id; a retried start of a running one is a no-op. */
  async startProcess(input: ProcessInput, memo: Record<string, unknown>): Promise<string> {
    try {
      const handle = await this.client.workflow.start('processWorkflow', {
        taskQueue: this.taskQueue,
        workflowId: input.processId,
        args: [input],
        memo,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      });
      workflowStarts.inc({ result: 'started' });
      return handle.firstExecutionRunId;
    } catch (error) {
      workflowStarts.inc({ result: 'failed' });
      throw error;
    }
  }

  /** Sends a human decision; the workflow's validator answers synchronously. */
  async decide(workflowId: string, input: DecisionInput): Promise<DecisionResult> {
    try {
      return await this.update(workflowId, decideUpdate, [input]);
    } catch (error) {
      throw toDomainError(error);
    }
  }

  async reassign(workflowId: string, input: ReassignInput): Promise<{ taskId: string; approvers: string[] }> {
    try {
      return await this.update(workflowId, reassignUpdate, [input]);
    } catch (error) {
      throw toDomainError(error);
    }
  }

  async recall(workflowId: string, input: RecallInput): Promise<{ status: string }> {
    try {
      return await this.update(workflowId, recallUpdate, [input]);
    } catch (error) {
      throw toDomainError(error, 'CONFLICT');
    }
  }

  /** A candidate claims or releases a user task through the process run that owns it. */
  async claim(workflowId: string, input: ClaimInput, claiming: boolean): Promise<{ taskId: string; assignee: string | null; status: string }> {
    try {
      return await this.update(workflowId, claiming ? claimUpdate : releaseUpdate, [input]);
    } catch (error) {
      throw toDomainError(error);
    }
  }

  /** Delivers a business event to a run; EVENT_NOT_AWAITED when no step or boundary of it waits for the event. */
  async deliverEvent(workflowId: string, name: string, payload: unknown): Promise<void> {
    try {
      await this.update(workflowId, deliverEventUpdate, [{ name, payload }]);
    } catch (error) {
      throw toDomainError(error, 'CONFLICT');
    }
  }

  /** Asks a run to cancel and waits (bounded) until it has ended. */
  async cancel(workflowId: string, waitMs = 15_000): Promise<void> {
    const handle = this.client.workflow.getHandle(workflowId);
    try {
      await handle.cancel();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return;
      throw error;
    }
    await Promise.race([handle.result().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, waitMs))]);
  }

  /** The execution status of a workflow (`RUNNING`, `COMPLETED`, `FAILED`, `CANCELLED`, `TERMINATED`, ...), null if unknown. */
  async executionStatus(workflowId: string): Promise<string | null> {
    try {
      return (await this.client.workflow.getHandle(workflowId).describe()).status.name;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    }
  }

  async processState(workflowId: string): Promise<ProcessState | null> {
    return this.query(workflowId, () => this.client.workflow.getHandle(workflowId).query(processStateQuery));
  }

  async approvalState(workflowId: string): Promise<ApprovalState | null> {
    return this.query(workflowId, () => this.client.workflow.getHandle(workflowId).query(approvalStateQuery));
  }

  async signalEvent(workflowId: string, name: string, payload: unknown): Promise<void> {
    try {
      await this.client.workflow.getHandle(workflowId).signal(businessEventSignal, { name, payload });
    } catch (error) {
      throw toDomainError(error);
    }
  }

  /** Wakes an approval waiting on an edited record; an approval that has just ended is no error. */
  async signalRecordChanged(workflowId: string, version: number): Promise<void> {
    try {
      await this.client.workflow.getHandle(workflowId).signal(recordChangedSignal, { version });
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }

  /**
   * Sends an update under one update id until a workflow task has taken it. Temporal aborts an update whose workflow
   * task failed or timed out (a busy worker) and the call can time out before the worker answers; the same id makes a
   * resend of an update that did land return that update's outcome instead of running it twice. Past
   * `UPDATE_RETRY_MS` the caller gets UNAVAILABLE (503 with Retry-After), never an internal error.
   */
  private async update<Ret, Args extends [unknown, ...unknown[]]>(workflowId: string, definition: UpdateDefinition<Ret, Args>, args: Args): Promise<Ret> {
    const updateId = randomUUID();
    return retrying(() => this.client.workflow.getHandle(workflowId).executeUpdate(definition, { args, updateId }), {
      retriable: isUpdateUndelivered, budgetMs: this.updateRetryMs, maxPauseMs: 2_000, budgetFrom: 'first-call',
      giveUp: () => new DomainError('UNAVAILABLE', 'the process engine is busy and did not take the request; retry shortly'),
    });
  }

  private async query<T>(workflowId: string, run: () => Promise<T>): Promise<T | null> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    }
  }
}

function toDomainError(error: unknown, endedCode: ErrorCode = 'TASK_ALREADY_DECIDED'): Error {
  if (error instanceof WorkflowNotFoundError) {
    return new DomainError(endedCode, 'the process behind this task has ended');
  }
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const type = error.cause.type ?? '';
    if (knownCodes.has(type)) return new DomainError(type as ErrorCode, error.cause.message);
  }
  const message = (error as Error).message ?? '';
  if (/workflow execution already completed/i.test(message)) {
    return new DomainError(endedCode, 'the process behind this task has ended');
  }
  return error as Error;
}

