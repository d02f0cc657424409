export { pipelinesOf, selectPipeline, stageOf, stageValue, isClosed, type NamedPipeline } from './select.js';
export { transitionProblem, type TransitionProblem } from './transitions.js';
export { gateProblems, requiredFields, isFilled, type GateInput } from './gate.js';
export { checkStageMove, type StageMoveInput, type StageMoveVerdict } from './move.js';
export {
  STAGE_APPROVAL_PREFIX, stageApprovalProcessName, parseStageApprovalProcess, stageApprovalProcessId, stageApprovalDefinition,
} from './approval-process.js';
export { STAGE_TASK_PREFIX, stageTaskProcessName, stageTaskDefinition } from './task-process.js';
export { staleSchedule, type StaleSchedule } from './stale.js';
export { pipelineFields, amountOf, type PipelineFields } from './fields.js';
