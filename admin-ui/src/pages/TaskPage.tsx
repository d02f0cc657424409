import { useCallback, useEffect, useState } from 'react';
import type { RJSFSchema } from '@rjsf/utils';
import { asApiError, get, type ApiError } from '../api';
import { useSession } from '../config-context';
import { ErrorBox } from '../components/ErrorBox';
import { History } from '../components/History';
import { RecordSnapshot } from '../components/RecordSnapshot';
import { RoutingExplanation } from '../components/RoutingExplanation';
import { dateTime, isOverdue, recordTitle } from '../format';
import { Link, navigate } from '../router';
import type { TaskDetail } from '../types';
import { DecisionForm } from './DecisionForm';
import { TaskActions } from './TaskActions';

export function TaskPage({ id }: { id: string }) {
  const { user, config } = useSession();
  const [task, setTask] = useState<TaskDetail | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(async () => {
    try {
      setTask(await get<TaskDetail>(`/api/tasks/${encodeURIComponent(id)}`));
      setError(null);
    } catch (e) {
      setError(asApiError(e));
    }
  }, [id]);

  useEffect(() => { void load(); }, [load]);

  if (!task) return <section><ErrorBox error={error} testId="task-error" />{!error && <p className="muted">Loading…</p>}</section>;
  const entity = config?.entities[task.entity];
  const open = task.status === 'open' || task.status === 'claimed';
  const mayDecide = open && (task.assignee === user.username || task.candidates.includes(user.username));
  const overdue = open && isOverdue(task.dueAt);

  return (
    <section className="task-page" data-testid="task-page" data-task-id={task.id}>
      <p><Link to="/">← Inbox</Link></p>
      <h2 data-testid="task-title">{task.title}</h2>
      <dl className="facts">
        <dt>Record</dt>
        <dd><Link to={`/records/${task.entity}/${task.recordId}`} data-testid="task-record-link">{recordTitle(task.record?.data, entity, task.recordId)}</Link></dd>
        <dt>Status</dt><dd><span className={`tag ${task.status}`} data-testid="task-status">{task.status}</span></dd>
        <dt>Requested by</dt><dd>{task.requester ?? ''}</dd>
        <dt>Candidates</dt><dd data-testid="task-candidates">{task.candidates.join(', ')}{task.status === 'claimed' && task.assignee ? ` (claimed by ${task.assignee})` : ''}</dd>
        <dt>Due</dt><dd className={overdue ? 'overdue' : ''}>{dateTime(task.dueAt) || '—'}{overdue && <span className="tag danger">overdue</span>}</dd>
        <dt>Created</dt><dd>{dateTime(task.createdAt)}</dd>
        {task.decidedBy && <><dt>Decided</dt><dd data-testid="task-decision">{task.outcome} by {task.decidedBy}{task.comment ? `: “${task.comment}”` : ''}</dd></>}
      </dl>
      <ErrorBox error={error} testId="task-error" />
      <div className="columns">
        <div>
          {mayDecide && (
            <div className="card">
              <h3>Your decision</h3>
              <TaskActions task={task} me={user.username} onChanged={() => void load()} />
              <DecisionForm taskId={task.id} schema={task.formSchema as RJSFSchema} onDecided={() => navigate('/')} />
            </div>
          )}
          {!mayDecide && open && <TaskActions task={task} me={user.username} onChanged={() => void load()} />}
          <div className="card">
            <h3>Why you</h3>
            <RoutingExplanation rules={task.routing ?? []} />
          </div>
        </div>
        <div className="card">
          <h3>Record</h3>
          {task.record ? <RecordSnapshot record={task.record} entity={entity} /> : <p className="muted">The record is gone.</p>}
        </div>
      </div>
      <div className="card">
        <h3>History</h3>
        <History items={task.history} />
      </div>
    </section>
  );
}
