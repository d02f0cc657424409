import { redactDeep, scrubDeep, scrubText, type Secrets } from '../../domain/access/redaction.js';

type View = Record<string, unknown>;

const scrubbed = (value: unknown, secrets: Secrets) => (typeof value === 'string' ? scrubText(value, secrets) : value);

function redactTask(task: unknown, secrets: Secrets): unknown {
  if (!task || typeof task !== 'object') return task;
  const t = task as View;
  return {
    ...t, title: scrubbed(t.title, secrets), ...('comment' in t ? { comment: scrubbed(t.comment, secrets) } : {}),
    ...('routing' in t ? { routing: scrubDeep(t.routing, secrets) } : {}), ...('data' in t ? { data: redactDeep(t.data, secrets) } : {}),
  };
}

/**
 * A process run as a reader who may not see some fields of its record: variables, timeline and task answers lose keys
 * named like a hidden field and every hidden value (also copied under another name); titles, comments and the error
 * lose the values. The run's own fields (ids, status, steps) stay, so the answer keeps its shape.
 */
export function redactProcessView(view: View, secrets: Secrets): View {
  return {
    ...view,
    variables: redactDeep(view.variables, secrets), timeline: redactDeep(view.timeline, secrets), error: scrubDeep(view.error, secrets),
    tasks: Array.isArray(view.tasks) ? view.tasks.map((t) => redactTask(t, secrets)) : view.tasks,
    openTasks: Array.isArray(view.openTasks) ? view.openTasks.map((t) => redactTask(t, secrets)) : view.openTasks,
  };
}
