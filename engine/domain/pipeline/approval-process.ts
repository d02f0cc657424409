import type { Bundle, ProcessStep } from '../config/types.js';

/**
 * A stage approval runs as a process generated from the pipeline: approval (the stage's chain) -> decision -> set the
 * stage field. Its name encodes the pipeline and the stage (names and stage ids cannot contain a dot), so the same
 * configuration always yields the same definition and business key.
 */
export const STAGE_APPROVAL_PREFIX = 'stage-approval';

export function stageApprovalProcessName(pipeline: string, stage: string): string {
  return `${STAGE_APPROVAL_PREFIX}.${pipeline}.${stage}`;
}

export function parseStageApprovalProcess(name: string): { pipeline: string; stage: string } | null {
  const parts = name.split('.');
  if (parts.length !== 3 || parts[0] !== STAGE_APPROVAL_PREFIX) return null;
  return { pipeline: parts[1], stage: parts[2] };
}

/** The business key of a stage approval run (the process engine's `<process>:<entity>:<recordId>`). */
export function stageApprovalProcessId(pipeline: string, stage: string, entity: string, recordId: string): string {
  return `${stageApprovalProcessName(pipeline, stage)}:${entity}:${recordId}`;
}

/** The generated definition of a stage approval process, or undefined when `name` is not one of this bundle. */
export function stageApprovalDefinition(bundle: Pick<Bundle, 'pipelines'>, name: string): { entity: string; steps: ProcessStep[] } | undefined {
  const parsed = parseStageApprovalProcess(name);
  const pipeline = parsed && Object.hasOwn(bundle.pipelines ?? {}, parsed.pipeline) ? bundle.pipelines![parsed.pipeline] : undefined;
  const stage = pipeline?.stages.find((s) => s.id === parsed!.stage);
  if (!pipeline || !stage?.approval) return undefined;
  return {
    entity: pipeline.entity,
    steps: [
      { id: 'approve', type: 'approval', chain: stage.approval },
      { id: 'route', type: 'decision', branches: [{ when: "vars.outcome == 'approved'", goto: 'move' }], otherwise: 'end' },
      { id: 'move', type: 'action', action: 'set', set: { [pipeline.field]: stage.id } },
      { id: 'end', type: 'end' },
    ],
  };
}
