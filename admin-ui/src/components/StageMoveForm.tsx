import { useState } from 'react';
import { Alert } from 'antd';
import type { RJSFSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useTranslation } from 'react-i18next';
import { asApiError, type ApiError, type ErrorDetail } from '../api';
import { useSession } from '../config-context';
import { useLocale } from '../i18n';
import { localizedSchema, uiSchemaFor } from '../form/field-ui';
import { toErrorSchema } from '../form/patch';
import { ThemedForm } from '../form/theme';
import { splitGateErrors, stageFormSchema } from '../pipeline/pipelines';
import { moveStage, type MoveResult } from '../pipeline/stage-move';
import type { CrmRecord, EntityDefinition } from '../types';
import { ErrorBox } from './ErrorBox';

type Data = Record<string, unknown>;

/** The entity's own uiSchema of just these fields (its `ui:order` names fields this form does not have). */
const fieldsUi = (entity: EntityDefinition, fields: string[]) => {
  const ui = (entity.ui ?? {}) as Record<string, unknown>;
  return Object.fromEntries(fields.filter((f) => Object.hasOwn(ui, f)).map((f) => [f, ui[f]]));
};

/**
 * The fields a stage move needs, asked for in a form (RJSF, the entity's widgets) and sent with the move in one
 * request (`data`), so the gate judges the record with them. The gate's answer lands at its fields.
 */
export function StageMoveForm({ entityName, entity, record, to, toLabel, fields, pipeline, initialErrors = [], onDone }: {
  entityName: string; entity: EntityDefinition; record: CrmRecord; to: string; toLabel: string; fields: string[]; pipeline?: string;
  initialErrors?: ErrorDetail[]; onDone: (result: MoveResult) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { config, user } = useSession();
  const [formData, setFormData] = useState<Data>(() => Object.fromEntries(fields.filter((f) => f in record.data).map((f) => [f, record.data[f]])));
  const [details, setDetails] = useState<ErrorDetail[]>(initialErrors);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const schema = localizedSchema(stageFormSchema(entity.schema, fields), locale) as RJSFSchema;
  const { byField, other } = splitGateErrors(details, fields);

  async function submit(data: Data) {
    setBusy(true);
    setError(null);
    try {
      onDone(await moveStage(entityName, record.id, { to, data, ...(pipeline ? { pipeline } : {}) }));
    } catch (e) {
      const failure = asApiError(e);
      setDetails(failure.details);
      if (!failure.details.length) setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="stage-form record-form" data-testid="stage-form" data-stage={to}>
      <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('stage.needs', { stage: toLabel })} />
      {other.length > 0 && (
        <Alert type="error" showIcon style={{ marginBottom: 12 }} data-testid="stage-gate-conditions"
          title={<ul className="error-details">{other.map((d, i) => <li key={i}>{d.message}</li>)}</ul>} />
      )}
      <ThemedForm
        schema={schema}
        uiSchema={uiSchemaFor({ ...entity, schema: stageFormSchema(entity.schema, fields), ui: fieldsUi(entity, fields) } as EntityDefinition, { locale }, {
          'ui:submitButtonOptions': { submitText: t('stage.moveTo', { stage: toLabel }), props: { disabled: busy, type: 'primary' } },
        })}
        formData={formData}
        formContext={{ config, locale, user }}
        idPrefix="stage"
        validator={validator}
        noValidate
        noHtml5Validate
        showErrorList={false}
        extraErrors={byField.length ? toErrorSchema(byField) : undefined}
        onChange={(e) => setFormData((e.formData ?? {}) as Data)}
        onSubmit={(e) => void submit((e.formData ?? {}) as Data)}
      />
      <ErrorBox error={error} testId="stage-form-error" />
    </div>
  );
}
