import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Col, DatePicker, Form, Input, Popconfirm, Row, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { asApiError, del, get, post, type ApiError } from '../api';
import { useSession } from '../config-context';
import { ErrorBox } from '../components/ErrorBox';
import { toErrorSchema } from '../form/patch';
import { dateTime } from '../format';
import type { Delegation } from '../types';

interface DelegationForm { to: string; period: [Dayjs, Dayjs]; reason?: string }

function stateOf(d: Delegation, now = Date.now()): 'current' | 'upcoming' | 'past' {
  if (new Date(d.startsAt).getTime() > now) return 'upcoming';
  return new Date(d.endsAt).getTime() > now ? 'current' : 'past';
}

/** Out of office: delegate my approvals to someone for a period (POST /api/delegations), list and revoke them. */
export default function DelegationsPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const [form] = Form.useForm<DelegationForm>();
  const [items, setItems] = useState<Delegation[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setItems((await get<{ items: Delegation[] }>('/api/delegations')).items);
    } catch (e) {
      setError(asApiError(e));
    }
  }, []);
  useEffect(() => { void load(); }, [load]);

  async function create(values: DelegationForm) {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await post('/api/delegations', {
        to: values.to.trim(), startsAt: values.period[0].toISOString(), endsAt: values.period[1].toISOString(), ...(values.reason ? { reason: values.reason } : {}),
      });
      setSaved(true);
      form.resetFields();
      await load();
    } catch (e) {
      const failure = asApiError(e);
      setError(failure);
      const fieldOf: Record<string, keyof DelegationForm> = { to: 'to', startsAt: 'period', endsAt: 'period', reason: 'reason' };
      form.setFields(Object.entries(toErrorSchema(failure.details) as Record<string, { __errors?: string[] }>)
        .filter(([k]) => fieldOf[k]).map(([k, v]) => ({ name: fieldOf[k], errors: v.__errors ?? [] })));
    } finally {
      setBusy(false);
    }
  }

  async function revoke(id: string) {
    try {
      await del(`/api/delegations/${id}`);
      await load();
    } catch (e) {
      setError(asApiError(e));
    }
  }

  return (
    <section data-testid="delegations-page">
      <Typography.Title level={2}>{t('delegation.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('delegation.intro')}</Typography.Paragraph>
      <ErrorBox error={error} testId="delegation-error" />
      {saved && <Alert type="success" showIcon title={t('delegation.created')} data-testid="delegation-saved" style={{ marginBottom: 16 }} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10}>
          <Card>
            <Form<DelegationForm> form={form} layout="vertical" data-testid="delegation-form" onFinish={(v) => void create(v)}
              initialValues={{ period: [dayjs(), dayjs().add(7, 'day')] }}>
              <Form.Item name="to" label={t('delegation.to')} rules={[{ required: true }]}><Input id="delegation-to" autoComplete="off" /></Form.Item>
              <Form.Item name="period" label={t('delegation.period')} rules={[{ required: true }]}>
                <DatePicker.RangePicker id={{ start: 'delegation-start', end: 'delegation-end' }} showTime style={{ width: '100%' }} />
              </Form.Item>
              <Form.Item name="reason" label={t('delegation.reason')}><Input.TextArea id="delegation-reason" rows={2} maxLength={500} /></Form.Item>
              <Button type="primary" htmlType="submit" loading={busy} data-testid="delegation-submit">{t('delegation.create')}</Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card title={t('delegation.list')}>
            <Table<Delegation>
              rowKey="id" size="small" dataSource={items} pagination={false} locale={{ emptyText: t('delegation.empty') }} data-testid="delegations"
              onRow={(d) => ({ 'data-testid': 'delegation-row', 'data-to': d.to }) as React.HTMLAttributes<HTMLElement>}
              columns={[
                { key: 'from', title: t('delegation.from'), render: (_, d) => d.from },
                { key: 'to', title: t('delegation.to'), render: (_, d) => d.to },
                { key: 'period', title: t('delegation.period'), render: (_, d) => `${dateTime(d.startsAt)} – ${dateTime(d.endsAt)}` },
                { key: 'state', title: t('delegation.state'), render: (_, d) => <Tag>{stateOf(d)}</Tag> },
                { key: 'reason', title: t('delegation.reason'), responsive: ['md'], render: (_, d) => d.reason ?? '' },
                {
                  key: 'revoke', title: '', render: (_, d) => (d.from === user.username && (
                    <Popconfirm title={`${t('delegation.revoke')}?`} onConfirm={() => void revoke(d.id)}>
                      <Button size="small" danger data-testid="revoke">{t('delegation.revoke')}</Button>
                    </Popconfirm>
                  )),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </section>
  );
}
