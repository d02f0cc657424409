/**
 * Workflow time. Inside the workflow sandbox `Date` is the SDK's deterministic clock (the time of the current
 * workflow task, identical on replay); workflows read it only through these two functions.
 */
export function nowIso(): string {
  return new Date().toISOString();
}

export function nowMs(): number {
  return Date.now();
}
