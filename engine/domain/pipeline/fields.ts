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
