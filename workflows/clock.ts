/** Workflow time: Date in the workflow sandbox is deterministic (it reads the workflow task's time). */
export function nowIso(): string {
  return new Date().toISOString();
}
