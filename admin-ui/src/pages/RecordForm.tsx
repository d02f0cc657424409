import { useState } from 'react';
import Form from '@rjsf/core';
import type { RJSFSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { api } from '../api';
import { useApiSubmit } from '../use-api-submit';
import { ErrorBox } from '../components/ErrorBox';
import { createSchema, mergePatch, readOnlyFields, uiSchemaOf } from '../forms';
import type { CrmRecord, EntityDefinition } from '../types';

type Data = Record<string, unknown>;

/**
 * Create (no `record`) or edit a record with RJSF from the entity's JSON Schema and `ui` uiSchema. The API is the
 * one validator (it also knows locks, uniqueness and computed fields), so the form does not validate on its own:
 * a 422 comes back with JSON-pointer paths that are shown at their fields through `extraErrors`.
 */
export function RecordForm({ name, entity, record, onSaved }: { name: string; entity: EntityDefinition; record?: CrmRecord; onSaved: (r: CrmRecord) => void }) {
  const [formData, setFormData] = useState<Data>(record?.data ?? {});
  const { error, extraErrors, busy, run } = useApiSubmit();
  const schema = record ? (entity.schema as RJSFSchema) : createSchema(entity);

  async function save(data: Data) {
    await run(async () => {
      const saved = record
        ? await api<CrmRecord>('PATCH', `/api/records/${name}/${record.id}`, {
          body: mergePatch(record.data, data, readOnlyFields(entity.schema as RJSFSchema)), headers: { 'if-match': String(record.version) },
        })
        : await api<CrmRecord>('POST', `/api/records/${name}`, { body: data });
      onSaved(saved);
    });
  }

  return (
    <div className="record-form" data-testid={record ? 'edit-form' : 'create-form'}>
      <Form
        schema={schema}
        uiSchema={uiSchemaOf(entity, { 'ui:submitButtonOptions': { submitText: record ? 'Save changes' : 'Create', props: { disabled: busy } } })}
        formData={formData}
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
