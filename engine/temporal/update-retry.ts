import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError, isGrpcServiceError } from '@temporalio/client';

/** gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
const RESOURCE_EXHAUSTED = 8;
const UNAVAILABLE = 14;

/** How long a request keeps resending an update Temporal did not deliver before it answers UNAVAILABLE. */
export const UPDATE_RETRY_MS = Number(process.env.FLOWCRM_UPDATE_RETRY_MS ?? 20_000);

/**
 * What the server says when an update was aborted before a workflow task accepted or rejected it: the workflow task
 * that carried it failed or timed out ("due to unexpected workflow task failure", "due to Workflow Task in failed
 * state", FAILED_PRECONDITION / WorkflowNotReady), the update registry was reset ("workflow update was aborted",
 * "update registry was cleared", UNAVAILABLE), or the history service is overloaded (RESOURCE_EXHAUSTED).
 * "aborted by closing workflow" is not among them: that run has ended.
 */
const undeliveredMessages = [/due to unexpected workflow task failure/i, /due to workflow task in failed state/i, /^workflow update was aborted\.?$/i, /update registry was cleared/i];

/** Whether a failed update call may be sent again under the same update id (it was never taken by the workflow). */
export function isUpdateUndelivered(error: unknown): boolean {
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  const grpc = error instanceof ServiceError ? error.cause : error;
  if (!isGrpcServiceError(grpc)) return false;
  if (grpc.code === UNAVAILABLE || grpc.code === RESOURCE_EXHAUSTED) return !/closing workflow/i.test(grpc.details ?? '');
  return undeliveredMessages.some((re) => re.test(grpc.details ?? ''));
}
