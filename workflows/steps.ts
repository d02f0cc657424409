/** The step kinds a process definition may hold: a discriminated union with one guard each. */
export interface ApprovalStep { id: string; type: 'approval'; chain: string; next?: string }
export interface DecisionStep { id: string; type: 'decision'; branches: { when: string; goto: string }[]; otherwise?: string; next?: string }
export interface ActionStep {
  id: string;
  type: 'action';
  action: 'set' | 'notify';
  set?: Record<string, unknown>;
  to?: { user?: string };
  message?: { en?: string; zh?: string };
  next?: string;
}
export interface EndStep { id: string; type: 'end'; next?: string }
export type FlowStep = ApprovalStep | DecisionStep | ActionStep | EndStep;

export const isApprovalStep = (s: FlowStep): s is ApprovalStep => s.type === 'approval';
export const isDecisionStep = (s: FlowStep): s is DecisionStep => s.type === 'decision';
export const isActionStep = (s: FlowStep): s is ActionStep => s.type === 'action';
export const isEndStep = (s: FlowStep): s is EndStep => s.type === 'end';
