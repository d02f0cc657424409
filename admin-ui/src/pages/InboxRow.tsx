import { useSession } from '../config-context';
import { dateTime, isOverdue, recordTitle } from '../format';
import { Link } from '../router';
import type { CrmRecord, Task } from '../types';

export function InboxRow({ task, record, onOpen }: { task: Task; record: CrmRecord | null; onOpen: () => void }) {
  const { config } = useSession();
  const entity = config?.entities[task.entity];
  const overdue = isOverdue(task.dueAt);
  return (
    <tr data-task-id={task.id} data-testid="inbox-row" className={overdue ? 'clickable overdue' : 'clickable'} onClick={onOpen}>
      <td><Link to={`/tasks/${encodeURIComponent(task.id)}`} onClick={(e) => e.stopPropagation()}>{task.title}</Link></td>
      <td data-testid="record-title">{recordTitle(record?.data, entity, task.recordId)}</td>
      <td>{task.requester ?? ''}</td>
      <td className={overdue ? 'due overdue' : 'due'} data-testid="due">{dateTime(task.dueAt)}{overdue && <span className="tag danger">overdue</span>}</td>
      <td>{dateTime(task.createdAt)}</td>
      <td><span className={`tag ${task.status}`}>{task.status}</span></td>
    </tr>
  );
}
