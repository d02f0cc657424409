import type { ExecutorRegistry } from './executor.js';
import { runAction } from './steps/action.js';
import { runApproval } from './steps/approval.js';
import { runDecision } from './steps/decision.js';
import { runEnd } from './steps/end.js';
import { runEvent } from './steps/event.js';
import { runLoop } from './steps/loop.js';
import { runParallel } from './steps/parallel.js';
import { runSubprocess } from './steps/subprocess.js';
import { runTask } from './steps/task.js';
import { runWait } from './steps/wait.js';

/** One executor per step type; the compiler refuses a step type without one. */
export const executors = {
  task: runTask,
  approval: runApproval,
  action: runAction,
  decision: runDecision,
  wait: runWait,
  event: runEvent,
  parallel: runParallel,
  loop: runLoop,
  subprocess: runSubprocess,
  end: runEnd,
} satisfies ExecutorRegistry;
