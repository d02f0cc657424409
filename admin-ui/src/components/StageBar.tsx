import { useCallback, useEffect, useState } from 'react';
import { Alert, Card, Modal, Tag } from 'antd';
import { CheckOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { asApiError, get, type ApiError, type ErrorDetail } from '../api';
import { useSession } from '../config-context';
import { useLocale } from '../i18n';
import { fieldLabel } from '../form/field-ui';
import { fieldsOf, isFilled, missingFields, nextStage, pipelinesOf, requiredFields, splitGateErrors, stageCategory, stageLabel, type Pipeline, type PipelineStage } from '../pipeline/pipelines';
import { moveStage, type MoveResult, type PendingStage } from '../pipeline/stage-move';
import type { CrmRecord, EntityDefinition } from '../types';
import { ErrorBox } from './ErrorBox';
import { StageMoveForm } from './StageMoveForm';
import './staff.css';

interface Stay { stage: string; pipeline: string; leftAt: string | null }

/** The record's pipeline: the one of its current stay, else the entity's first. */
function pipelineOf(pipelines: [string, Pipeline][], stays: Stay[]): [string, Pipeline] | undefined {
  const current = stays.at(-1)?.pipeline;
  return pipelines.find(([name]) => name === current) ?? pipelines[0];
}

/**
 * The Path bar of a record in a pipeline (Salesforce Lightning's Path): its stages in order, the current one marked,
 * the next stage's required fields (filled or not). Clicking a stage moves the record there; a gate's 422 opens a
 * form for exactly the missing fields with each message at its field, a stage that needs approval says so (202).
 */
export function StageBar({ entityName, entity, record, onMoved }: { entityName: string; entity: EntityDefinition; record: CrmRecord & { pendingStage?: PendingStage | null }; onMoved: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { config } = useSession();
  const pipelines = pipelinesOf((config as { pipelines?: Record<string, Pipeline> } | null)?.pipelines, entityName);
  const [stays, setStays] = useState<Stay[] | null>(null);
  const [gate, setGate] = useState<{ stage: PipelineStage; details: ErrorDetail[] } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState<PendingStage | null>(record.pendingStage ?? null);
  const [busy, setBusy] = useState(false);

  const loadStays = useCallback(async () => {
    try {
      setStays((await get<{ items: Stay[] }>(`/api/records/${entityName}/${record.id}/stages`)).items);
    } catch (e) {
      setError(asApiError(e));
    }
  }, [entityName, record.id]);
  useEffect(() => { if (pipelines.length) void loadStays(); }, [loadStays, pipelines.length, record.version]);
  useEffect(() => setPending(record.pendingStage ?? null), [record.pendingStage]);

  if (!pipelines.length || !stays) return null;
  const found = pipelineOf(pipelines, stays);
  if (!found) return null;
  const [pipelineName, pipeline] = found;
  const properties = ((entity.schema as { properties?: Record<string, unknown> }).properties) ?? {};
  const current = record.data[pipeline.field] as string | undefined;
  const currentIndex = pipeline.stages.findIndex((s) => s.id === current);
  const next = nextStage(pipeline, current);
  const label = (field: string) => fieldLabel(properties[field], field, locale);

  function done(result: MoveResult) {
    setGate(null);
    if ('pending' in result) setPending(result.pending);
    onMoved();
  }

  async function move(stage: PipelineStage) {
    if (stage.id === current || busy) return;
    setBusy(true);
    setError(null);
    setGate(null);
    try {
      done(await moveStage(entityName, record.id, { to: stage.id }));
    } catch (e) {
      const failure = asApiError(e);
      if (failure.code === 'STAGE_GATE_FAILED') setGate({ stage, details: failure.details });
      else setError(failure);
    } finally {
      setBusy(false);
    }
  }

  const gateFields = gate ? [...new Set([...fieldsOf(splitGateErrors(gate.details, requiredFields(pipeline, gate.stage)).byField), ...missingFields(pipeline, gate.stage, record.data)])] : [];

  return (
    <Card size="small" className="stage-bar" data-testid="stage-bar" data-pipeline={pipelineName} data-stage={current ?? ''} style={{ marginBottom: 16 }}>
      <ol className="path" aria-label={t('stage.path')}>
        {pipeline.stages.map((stage, i) => {
          const category = stageCategory(stage);
          const state = stage.id === current ? 'current' : i < currentIndex && category === 'open' ? 'done' : 'todo';
          return (
            <li key={stage.id} className={`path-step ${state} ${category}`}>
              <button type="button" data-testid="stage-step" data-stage={stage.id} aria-current={state === 'current' ? 'step' : undefined}
                disabled={busy || !!pending} onClick={() => void move(stage)} title={t('stage.moveTo', { stage: stageLabel(stage, locale) })}>
                {state === 'done' && <CheckOutlined />} {stageLabel(stage, locale)}
              </button>
            </li>
          );
        })}
      </ol>
      {next && (
        <div className="path-next" data-testid="stage-next" data-stage={next.id} data-missing={missingFields(pipeline, next, record.data).join(',')}>
          <strong>{t('stage.next', { stage: stageLabel(next, locale) })}</strong>{' '}
          {requiredFields(pipeline, next).length === 0 ? t('stage.nothingRequired') : requiredFields(pipeline, next).map((f) => (
            <Tag key={f} color={isFilled(record.data[f]) ? 'green' : 'orange'} data-testid="stage-next-field" data-field={f} data-filled={String(isFilled(record.data[f]))}>{label(f)}</Tag>
          ))}
          {next.approval && <Tag color="purple">{t('stage.needsApproval')}</Tag>}
        </div>
      )}
      {pending && <Alert type="info" showIcon style={{ marginTop: 12 }} data-testid="stage-pending" data-stage={pending.to} data-process-id={pending.processId}
        title={t('stage.pending', { stage: stageLabel(pipeline.stages.find((s) => s.id === pending.to) ?? { id: pending.to }, locale) })} />}
      <ErrorBox error={error} testId="stage-error" />
      <Modal open={!!gate} title={gate ? t('stage.blocked', { stage: stageLabel(gate.stage, locale) }) : ''} footer={null} onCancel={() => setGate(null)} destroyOnHidden>
        {gate && (
          <>
            <Alert type="warning" showIcon style={{ marginBottom: 12 }} data-testid="stage-gate-error" data-fields={gateFields.join(',')}
              title={t('stage.missing', { fields: gateFields.map(label).join(', ') })} />
            <StageMoveForm entityName={entityName} entity={entity} record={record} to={gate.stage.id} toLabel={stageLabel(gate.stage, locale)} fields={gateFields}
              pipeline={pipelineName} initialErrors={gate.details} onDone={done} />
          </>
        )}
      </Modal>
    </Card>
  );
}
