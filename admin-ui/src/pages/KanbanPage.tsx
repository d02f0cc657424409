import { useCallback, useEffect, useState, type DragEvent } from 'react';
import { Alert, Button, Empty, Modal, Segmented, Skeleton, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { asApiError, get, query, type ApiError, type ErrorDetail } from '../api';
import { useSession } from '../config-context';
import { localize, useLocale } from '../i18n';
import { ErrorBox } from '../components/ErrorBox';
import { StageMoveForm } from '../components/StageMoveForm';
import { allPipelines, fieldsOf, missingFields, requiredFields, splitGateErrors, stageLabel, type Pipeline, type PipelineStage } from '../pipeline/pipelines';
import { moveStage, type MoveResult } from '../pipeline/stage-move';
import { cellValue } from '../cell-value';
import { recordTitle } from '../format';
import { Link, navigate, replace } from '../router';
import type { CrmRecord } from '../types';
import '../components/staff.css';

interface Column {
  stage: string; label: string; category: string; probability: number; count: number; amount: number; weightedAmount: number;
  items: CrmRecord[]; nextCursor: string | null;
}
interface Board { pipeline: string; entity: string; columns: Column[] }
interface Asking { record: CrmRecord; stage: PipelineStage; fields: string[]; details: ErrorDetail[] }

const perColumn = 20;

/**
 * The kanban of one pipeline (Twenty's board): a column per stage with count, amount and weighted amount, paged per
 * column. Dragging a card (or choosing "Move to…" on it, for the keyboard) moves the record; when the target stage
 * needs fields the card lacks, a form asks for them first and the gate's errors land at those fields.
 */
export default function KanbanPage({ name }: { name?: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { config } = useSession();
  const all = allPipelines((config as { pipelines?: Record<string, Pipeline> } | null)?.pipelines);
  const [board, setBoard] = useState<Board | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [dragging, setDragging] = useState<string | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const [asking, setAsking] = useState<Asking | null>(null);
  const [notice, setNotice] = useState('');
  const pipeline = name ? all.find(([n]) => n === name)?.[1] : undefined;

  useEffect(() => { if (!name && all[0]) replace(`/pipelines/${all[0][0]}`); }, [name, all]);

  const load = useCallback(async () => {
    if (!name) return;
    try {
      setBoard(await get<Board>(`/api/pipelines/${encodeURIComponent(name)}/board${query({ limit: perColumn, locale })}`));
      setError(null);
    } catch (e) {
      setError(asApiError(e));
    }
  }, [name, locale]);
  useEffect(() => { void load(); }, [load]);

  if (!config) return <Skeleton active />;
  if (!all.length) return <Empty data-testid="kanban-none" description={t('kanban.none')} />;
  const entityName = pipeline?.entity ?? '';
  const entity = config.entities[entityName];
  const properties = ((entity?.schema as { properties?: Record<string, unknown> } | undefined)?.properties) ?? {};
  const money = (value: number) => value.toLocaleString(locale === 'zh' ? 'zh-CN' : 'en', { maximumFractionDigits: 0 });

  async function more(column: Column) {
    if (!name || !column.nextCursor) return;
    try {
      const page = await get<Board>(`/api/pipelines/${encodeURIComponent(name)}/board${query({ stage: column.stage, cursor: column.nextCursor, limit: perColumn, locale })}`);
      const next = page.columns[0];
      setBoard((b) => b && { ...b, columns: b.columns.map((c) => (c.stage === column.stage ? { ...c, items: [...c.items, ...next.items], nextCursor: next.nextCursor } : c)) });
    } catch (e) {
      setError(asApiError(e));
    }
  }

  function done(result: MoveResult, stage: PipelineStage) {
    setAsking(null);
    setNotice('pending' in result ? t('stage.pending', { stage: stageLabel(stage, locale) }) : t('stage.moved', { stage: stageLabel(stage, locale) }));
    void load();
  }

  async function move(record: CrmRecord, to: string) {
    const stage = pipeline?.stages.find((s) => s.id === to);
    if (!pipeline || !stage || record.data[pipeline.field] === to) return;
    setError(null);
    setNotice('');
    const missing = missingFields(pipeline, stage, record.data);
    if (missing.length) {
      setAsking({ record, stage, fields: missing, details: [] });
      return;
    }
    try {
      done(await moveStage(entityName, record.id, { to }), stage);
    } catch (e) {
      const failure = asApiError(e);
      if (failure.code === 'STAGE_GATE_FAILED') {
        const fields = [...new Set([...fieldsOf(splitGateErrors(failure.details, requiredFields(pipeline, stage)).byField), ...requiredFields(pipeline, stage)])];
        setAsking({ record, stage, fields, details: failure.details });
      } else setError(failure);
    }
  }

  function drop(event: DragEvent, column: Column) {
    event.preventDefault();
    setOver(null);
    const id = event.dataTransfer.getData('text/plain') || dragging;
    const record = board?.columns.flatMap((c) => c.items).find((r) => r.id === id);
    setDragging(null);
    if (record) void move(record, column.stage);
  }

  return (
    <section data-testid="kanban-page" data-pipeline={name}>
      <div className="row-between">
        <Typography.Title level={2}>{t('kanban.title')}</Typography.Title>
        <Segmented value={name} onChange={(v) => navigate(`/pipelines/${v}`)} data-testid="pipeline-picker" aria-label={t('kanban.pipeline')}
          options={all.map(([n, p]) => ({ value: n, label: localize(p.label, locale, n) }))} />
      </div>
      <ErrorBox error={error} testId="kanban-error" />
      {notice && <Alert type="success" showIcon closable={{ onClose: () => setNotice('') }} title={notice} data-testid="notice" style={{ marginBottom: 12 }} />}
      {!board && !error && <Skeleton active />}
      {board && pipeline && (
        <div className="board" data-testid="board">
          {board.columns.map((column) => (
            <div key={column.stage} className={over === column.stage ? 'board-column drop-target' : 'board-column'} data-testid="board-column" data-stage={column.stage}
              data-count={column.count} onDragOver={(e) => { e.preventDefault(); setOver(column.stage); }} onDragLeave={() => setOver((o) => (o === column.stage ? null : o))}
              onDrop={(e) => drop(e, column)} aria-label={column.label}>
              <h3>{column.label} <span className="small">{column.probability}%</span></h3>
              <div className="board-totals" data-testid="column-totals">
                <span data-testid="column-count">{t('kanban.count', { count: column.count })}</span>
                <span data-testid="column-amount">{t('kanban.amount', { amount: money(column.amount) })}</span>
                <span data-testid="column-weighted">{t('kanban.weighted', { amount: money(column.weightedAmount) })}</span>
              </div>
              {column.items.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('kanban.empty')} />}
              <ul className="board-cards">
                {column.items.map((record) => (
                  <li key={record.id} className={dragging === record.id ? 'board-card dragging' : 'board-card'} draggable data-testid="board-card" data-record-id={record.id}
                    onDragStart={(e) => { e.dataTransfer.setData('text/plain', record.id); e.dataTransfer.effectAllowed = 'move'; setDragging(record.id); }}
                    onDragEnd={() => { setDragging(null); setOver(null); }}>
                    <Link to={`/records/${entityName}/${record.id}`} data-testid="card-title">{recordTitle(record.data, entity, record.id)}</Link>
                    <div className="card-meta">
                      <span>{cellValue(properties[pipeline.amountField ?? 'amount'], record.data[pipeline.amountField ?? 'amount'], config, locale)}</span>
                      <span>{String(record.data[pipeline.ownerField ?? 'owner'] ?? '')}</span>
                    </div>
                    <label className="visually-hidden" htmlFor={`move-${record.id}`}>{t('kanban.moveTo')}</label>
                    <select id={`move-${record.id}`} className="card-move" data-testid="card-move" value="" onChange={(e) => void move(record, e.target.value)}>
                      <option value="">{t('kanban.moveTo')}</option>
                      {pipeline.stages.filter((s) => s.id !== column.stage).map((s) => <option key={s.id} value={s.id}>{stageLabel(s, locale)}</option>)}
                    </select>
                  </li>
                ))}
              </ul>
              {column.nextCursor && <Button block size="small" style={{ marginTop: 8 }} data-testid="column-more" onClick={() => void more(column)}>{t('kanban.more')}</Button>}
            </div>
          ))}
        </div>
      )}
      <Modal open={!!asking} footer={null} onCancel={() => setAsking(null)} destroyOnHidden
        title={asking ? t('stage.blocked', { stage: stageLabel(asking.stage, locale) }) : ''}>
        {asking && entity && (
          <StageMoveForm entityName={entityName} entity={entity} record={asking.record} to={asking.stage.id} toLabel={stageLabel(asking.stage, locale)}
            fields={asking.fields} pipeline={name} initialErrors={asking.details} onDone={(r) => done(r, asking.stage)} />
        )}
      </Modal>
    </section>
  );
}
