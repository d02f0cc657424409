import { post } from '../api';
import type { CrmRecord } from '../types';

export interface PendingStage { to: string; processId: string }
export type MoveResult = { moved: CrmRecord } | { pending: PendingStage };

/** `POST /api/records/:entity/:id/stage`: 200 the moved record, 202 `{pending}` when the stage needs its approval. */
export async function moveStage(entity: string, id: string, body: { to: string; data?: Record<string, unknown>; pipeline?: string }): Promise<MoveResult> {
  const answer = await post<CrmRecord | { pending: PendingStage }>(`/api/records/${entity}/${id}/stage`, body);
  return 'pending' in answer ? { pending: answer.pending } : { moved: answer };
}
