// Pure module (no React): imported with .js extensions by test/unit under NodeNext.
import { spanText } from '../../format.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** `POST /api/config/simulate`'s answer, as far as the simulation view reads it. */
export interface SimulationResult {
  status: string; outcome: string | null; error: { code: string; message: string } | null; start: string; end: string;
  waitingFor: Obj | null; timeline: { at: string; step?: string; event?: string; detail?: Obj }[];
  tasks: { step: string; kind: string; title: string; assignee: string | null; status: string; createdAt: string; completedAt: string | null; outcome: string | null; actor: string | null }[];
  notifications: { at: string; to: string; kind: string; title: string }[];
  recordChanges: { at: string; set: Obj; action: string; actor: string }[];
  unused: string[]; elapsedMs: number;
}

/**
 * A first script for a process: each top-level task or approval step answered in order, an hour apart (approvals
 * approve, tasks complete): a starting point the admin edits, not a guess at the outcome.
 */
export function defaultScript(process: unknown): { tasks: Obj[] } {
  const steps = isObj(process) && Array.isArray(process.steps) ? process.steps.filter(isObj) : [];
  const answered = steps.filter((s) => s.type === 'task' || s.type === 'approval');
  return { tasks: answered.map((s, i) => ({ step: String(s.id), outcome: s.type === 'approval' ? 'approve' : undefined, after: `PT${i + 1}H` })) };
}

/** "+2d 3h 5m" from the simulation's start: what a timeline of weeks in seconds is read by. */
export function offsetText(start: string, at: string): string {
  return `+${spanText(Date.parse(at) - Date.parse(start))}`;
}

/** Details of a 422 split by the editor they point into: `/record/...` and `/script/...`; the rest stays general. */
export function issuesByInput(details: { path: string; message: string; code?: string }[]) {
  const at = (prefix: string) => details.filter((d) => d.path === prefix || d.path.startsWith(`${prefix}/`)).map((d) => ({ ...d, path: d.path.slice(prefix.length) }));
  return { record: at('/record'), script: at('/script') };
}
