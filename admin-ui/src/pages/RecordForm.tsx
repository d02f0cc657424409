import { useState } from 'react';
import type { RJSFSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { useSession } from '../config-context';
import { useLocale } from '../i18n';
import { useApiSubmit } from '../use-api-submit';
import { ErrorBox } from '../components/ErrorBox';
import { localizedSchema, uiSchemaFor } from '../form/field-ui';
import { createSchema, mergePatch, readOnlyFields } from '../form/patch';
import { ThemedForm } from '../form/theme';
import type { CrmRecord, EntityDefinition } from '../types';

type Data = Record<string, unknown>;

/**
 * Create (no `record`) or edit a record with RJSF from the entity's JSON Schema, a widget per x-type and the entity's
 * `ui` uiSchema. The API is the one validator (it also knows locks, uniqueness and computed fields), so the form does
 * not validate on its own: a 422 comes back with JSON-pointer paths that are shown at their fields (`extraErrors`).
 * Fields a pending approval locks are read-only and never sent.
 */
export function RecordForm({ name, entity, record, locked = [], onSaved }: {
  name: string; entity: EntityDefinition; record?: CrmRecord; locked?: string[]; onSaved: (r: CrmRecord) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { config, user } = useSession();
  const [formData, setFormData] = useState<Data>(record?.data ?? {});
  const { error, extraErrors, busy, run } = useApiSubmit();
  const schema = localizedSchema(record ? (entity.schema as RJSFSchema) : createSchema(entity), locale);

  async function save(data: Data) {
    await run(async () => {
      const saved = record
        ? await api<CrmRecord>('PATCH', `/api/records/${name}/${record.id}`, {
          body: mergePatch(record.data, data, [...readOnlyFields(entity.schema as RJSFSchema), ...locked]), headers: { 'if-match': String(record.version) },
        })
        : await api<CrmRecord>('POST', `/api/records/${name}`, { body: data });
      onSaved(saved);
    });
  }

  return (
    <div className="record-form" data-testid={record ? 'edit-form' : 'create-form'}>
      <ThemedForm
        schema={schema}
        uiSchema={uiSchemaFor(entity, { locale, locked }, { 'ui:submitButtonOptions': { submitText: record ? t('records.save') : t('records.create'), props: { disabled: busy, type: 'primary' } } })}
        formData={formData}
        formContext={{ config, locale, user }}
        validator={validator}
        noValidate
        noHtml5Validate
        showErrorList={false}
        extraErrors={extraErrors}
        onChange={(e) => setFormData((e.formData ?? {}) as Data)}
        onSubmit={(e) => void save((e.formData ?? {}) as Data)}
      />
      <ErrorBox error={error} testId="record-error" />
    </div>
  );
}
