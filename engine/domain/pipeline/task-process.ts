import type { Bundle, ProcessStep } from '../config/types.js';
import { pipelineFields } from './fields.js';

/**
 * A stage's `onEnter.createTask` runs as a process generated from the pipeline, like a stage approval
 * (approval-process.ts): one task step, then the end. One run per stay: its id is the business key plus the stay id,
 * so a repeated start for the same entry finds its run, and every new entry gets its own task.
 */
export const STAGE_TASK_PREFIX = 'stage-task';

export function stageTaskProcessName(pipeline: string, stage: string): string {
  return `${STAGE_TASK_PREFIX}.${pipeline}.${stage}`;
}

function parseStageTaskProcess(name: string): { pipeline: string; stage: string } | null {
  const parts = name.split('.');
  if (parts.length !== 3 || parts[0] !== STAGE_TASK_PREFIX) return null;
  return { pipeline: parts[1], stage: parts[2] };
}

/** The generated definition of a stage task process, or undefined when `name` is not one of this bundle. */
export function stageTaskDefinition(bundle: Pick<Bundle, 'pipelines'>, name: string): { entity: string; steps: ProcessStep[] } | undefined {
  const parsed = parseStageTaskProcess(name);
  const pipeline = parsed && Object.hasOwn(bundle.pipelines ?? {}, parsed.pipeline) ? bundle.pipelines![parsed.pipeline] : undefined;
  const task = pipeline?.stages.find((s) => s.id === parsed!.stage)?.onEnter?.createTask;
  if (!pipeline || !task) return undefined;
  const { title, assignee, candidates, due } = task;
  const calendar = task.calendar ?? (due ? pipeline.stale?.calendar : undefined);
  const who = candidates ? { candidates } : { assignee: !assignee || assignee === 'owner' ? { field: pipelineFields(pipeline).owner } : assignee };
  return {
    entity: pipeline.entity,
    steps: [
      { id: 'task', type: 'task', title, ...who, ...(due ? { due } : {}), ...(calendar ? { calendar } : {}) },
      { id: 'end', type: 'end' },
    ],
  };
}
