import type { Pipeline } from '../config/types.js';

/** The record fields a pipeline's board, reports and reminders read, with their defaults. */
export interface PipelineFields {
  stage: string;
  amount: string;
  owner: string;
  closeDate: string;
  wonReason?: string;
  lostReason?: string;
}

export function pipelineFields(pipeline: Pipeline): PipelineFields {
  return {
    stage: pipeline.field,
    amount: pipeline.amountField ?? 'amount',
    owner: pipeline.ownerField ?? 'owner',
    closeDate: pipeline.closeDateField ?? 'closeDate',
    ...(pipeline.reasons?.won ? { wonReason: pipeline.reasons.won } : {}),
    ...(pipeline.reasons?.lost ? { lostReason: pipeline.reasons.lost } : {}),
  };
}

/** The deal's amount: a number field, or the `amount` of a money object; null when absent. */
export function amountOf(pipeline: Pipeline, data: Record<string, unknown>): number | null {
  const value = data[pipeline.amountField ?? 'amount'];
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object' && typeof (value as { amount?: unknown }).amount === 'number') return (value as { amount: number }).amount;
  return null;
}
