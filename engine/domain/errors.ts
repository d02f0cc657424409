/** One problem located by a JSON pointer into the input that caused it. */
export interface ErrorDetail {
  path: string;
  message: string;
  code?: string;
}

/** Error codes shared by the API, the CLI and the workflows. */
export const ErrorCode = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  CONFIG_INVALID: 'CONFIG_INVALID',
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  CONFLICT: 'CONFLICT',
  PRECONDITION_FAILED: 'PRECONDITION_FAILED',
  RECORD_LOCKED: 'RECORD_LOCKED',
  ENTRY_CRITERIA_NOT_MET: 'ENTRY_CRITERIA_NOT_MET',
  TASK_ALREADY_DECIDED: 'TASK_ALREADY_DECIDED',
  SELF_APPROVAL: 'SELF_APPROVAL',
  NOT_AN_APPROVER: 'NOT_AN_APPROVER',
  /** The actor approved an earlier step of a chain with `distinctApprovers`. */
  SEPARATION_OF_DUTIES: 'SEPARATION_OF_DUTIES',
  BAD_REQUEST: 'BAD_REQUEST',
  UNAVAILABLE: 'UNAVAILABLE',
  INCOMPATIBLE_CHANGE: 'INCOMPATIBLE_CHANGE',
  WEBHOOK_TARGET_FORBIDDEN: 'WEBHOOK_TARGET_FORBIDDEN',
  /** No step or boundary of the process waits for this business event. */
  EVENT_NOT_AWAITED: 'EVENT_NOT_AWAITED',
  /** A body names a system field or a prototype key (`__proto__`, `constructor`, `prototype`). */
  FORBIDDEN_FIELD: 'FORBIDDEN_FIELD',
  /** A record write names a field its entity does not declare. */
  UNKNOWN_FIELD: 'UNKNOWN_FIELD',
  /** The path exists, the method does not (the answer carries `Allow`). */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  QUERY_TOO_LONG: 'QUERY_TOO_LONG',
  ACCOUNT_LOCKED: 'ACCOUNT_LOCKED',
  /** Too many requests from one client address (the answer carries Retry-After). */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A stage move whose target stage's requirements are unmet: one detail per requirement. */
  STAGE_GATE_FAILED: 'STAGE_GATE_FAILED',
  /** A stage move the pipeline's transition rules forbid (skip, back, closed stage, needs its approval). */
  TRANSITION_NOT_ALLOWED: 'TRANSITION_NOT_ALLOWED',
  /** A simulation asks for more than its bounds allow (script entries, simulated time, clock jumps). */
  SIMULATION_LIMIT: 'SIMULATION_LIMIT',
  /** The simulated run refused a scripted answer or event (not an approver, nobody listening, ...). */
  SIMULATION_SCRIPT_REFUSED: 'SIMULATION_SCRIPT_REFUSED',
  /** The time-skipping test server is not installed. */
  SIMULATION_UNAVAILABLE: 'SIMULATION_UNAVAILABLE',
  /** As many simulations as the server runs at once are running. */
  SIMULATION_BUSY: 'SIMULATION_BUSY',
  /** The simulation did not finish within its wall-clock budget. */
  SIMULATION_TIMEOUT: 'SIMULATION_TIMEOUT',
  /** An `Idempotency-Key` already used by the caller for another request (method, path or body). */
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  /** The first request with this `Idempotency-Key` is still running (longer than a retry waits for it). */
  IDEMPOTENCY_KEY_IN_PROGRESS: 'IDEMPOTENCY_KEY_IN_PROGRESS',
  /** A password change whose current password is wrong. */
  INVALID_CURRENT_PASSWORD: 'INVALID_CURRENT_PASSWORD',
  /** A new password the password policy refuses (too short, the username, the current one): one detail per rule. */
  WEAK_PASSWORD: 'WEAK_PASSWORD',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const httpStatusByCode: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 422,
  CONFIG_INVALID: 422,
  NOT_FOUND: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  SELF_APPROVAL: 403,
  NOT_AN_APPROVER: 403,
  SEPARATION_OF_DUTIES: 403,
  CONFLICT: 409,
  TASK_ALREADY_DECIDED: 409,
  PRECONDITION_FAILED: 412,
  RECORD_LOCKED: 409,
  ENTRY_CRITERIA_NOT_MET: 422,
  BAD_REQUEST: 400,
  UNAVAILABLE: 503,
  INCOMPATIBLE_CHANGE: 422,
  WEBHOOK_TARGET_FORBIDDEN: 422,
  EVENT_NOT_AWAITED: 404,
  FORBIDDEN_FIELD: 422,
  UNKNOWN_FIELD: 422,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  QUERY_TOO_LONG: 414,
  ACCOUNT_LOCKED: 429,
  RATE_LIMITED: 429,
  STAGE_GATE_FAILED: 422,
  TRANSITION_NOT_ALLOWED: 409,
  SIMULATION_LIMIT: 422,
  SIMULATION_SCRIPT_REFUSED: 422,
  SIMULATION_UNAVAILABLE: 503,
  SIMULATION_BUSY: 503,
  SIMULATION_TIMEOUT: 504,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_KEY_IN_PROGRESS: 409,
  INVALID_CURRENT_PASSWORD: 422,
  WEAK_PASSWORD: 422,
};

export function httpStatusOf(code: string): number {
  return httpStatusByCode[code as ErrorCode] ?? 400;
}

/** An expected failure with a code and the JSON-pointer paths it concerns. Never a 5xx. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Escapes one JSON-pointer segment (RFC 6901). */
export function pointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function joinPointer(base: string, ...segments: (string | number)[]): string {
  return base + segments.map((s) => '/' + pointerSegment(s)).join('');
}
