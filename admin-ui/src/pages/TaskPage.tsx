import { useCallback, useEffect, useState } from 'react';
import { Breadcrumb, Card, Col, Descriptions, Row, Spin, Tag, Typography } from 'antd';
import type { RJSFSchema } from '@rjsf/utils';
import { useTranslation } from 'react-i18next';
import { asApiError, get, type ApiError } from '../api';
import { useSession } from '../config-context';
import { ErrorBox } from '../components/ErrorBox';
import { RecordTimeline } from '../components/RecordTimeline';
import { RecordSnapshot } from '../components/RecordSnapshot';
import { RoutingExplanation } from '../components/RoutingExplanation';
import { dateTime, isOverdue, recordTitle } from '../format';
import { Link, navigate } from '../router';
import type { TaskDetail } from '../types';
import { DecisionForm } from './DecisionForm';
import { TaskActions } from './TaskActions';
import { UserTaskForm, type UserTask } from './UserTaskForm';

export default function TaskPage({ id }: { id: string }) {
  const { t } = useTranslation();
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

  if (!task) return <section><ErrorBox error={error} testId="task-error" />{!error && <Spin />}</section>;
  const entity = config?.entities[task.entity];
  const open = task.status === 'open' || task.status === 'claimed';
  const mayDecide = open && (task.assignee === user.username || task.candidates.includes(user.username));
  const overdue = open && isOverdue(task.dueAt);

  return (
    <section className="task-page" data-testid="task-page" data-task-id={task.id}>
      <Breadcrumb items={[{ title: <Link to="/">{t('task.back')}</Link> }, { title: task.title }]} />
      <Typography.Title level={2} data-testid="task-title">{task.title}</Typography.Title>
      <Descriptions size="small" bordered column={{ xs: 1, sm: 2, lg: 3 }} className="facts" items={[
        { key: 'record', label: t('task.record'), children: <Link to={`/records/${task.entity}/${task.recordId}`} data-testid="task-record-link">{recordTitle(task.record?.data, entity, task.recordId)}</Link> },
        { key: 'status', label: t('task.status'), children: <Tag data-testid="task-status">{task.status}</Tag> },
        { key: 'requester', label: t('task.requester'), children: task.requester ?? '' },
        { key: 'candidates', label: t('task.candidates'), children: <span data-testid="task-candidates">{task.candidates.join(', ')}{task.status === 'claimed' && task.assignee ? ` (${t('task.claimedBy', { name: task.assignee })})` : ''}</span> },
        { key: 'due', label: t('task.due'), children: <span className={overdue ? 'overdue' : ''}>{dateTime(task.dueAt) || '—'}{overdue && <Tag color="red">{t('status.overdue')}</Tag>}</span> },
        { key: 'created', label: t('task.created'), children: dateTime(task.createdAt) },
        ...(task.decidedBy ? [{ key: 'decided', label: t('task.decided'), children: <span data-testid="task-decision">{task.outcome} · {task.decidedBy}{task.comment ? `: “${task.comment}”` : ''}</span> }] : []),
      ]} />
      <ErrorBox error={error} testId="task-error" />
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} lg={12}>
          {mayDecide && (
            <Card title={t('task.yourDecision')} style={{ marginBottom: 16 }}>
              <TaskActions task={task} me={user.username} onChanged={() => void load()} />
              {(task as UserTask).userTask
                ? <UserTaskForm task={task} onDone={() => navigate('/')} />
                : <DecisionForm taskId={task.id} schema={task.formSchema as RJSFSchema} onDecided={() => navigate('/')} />}
            </Card>
          )}
          {!mayDecide && open && <TaskActions task={task} me={user.username} onChanged={() => void load()} />}
          <Card title={t('task.whyYou')} style={{ marginBottom: 16 }}><RoutingExplanation rules={task.routing ?? []} /></Card>
          <Card title={t('task.history')}><RecordTimeline items={task.history} entity={entity} /></Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('task.record')}>
            {task.record ? <RecordSnapshot record={task.record} entity={entity} /> : <Typography.Text type="secondary">{t('task.recordGone')}</Typography.Text>}
          </Card>
        </Col>
      </Row>
    </section>
  );
}
