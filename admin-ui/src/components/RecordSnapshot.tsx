import Form from '@rjsf/core';
import type { RJSFSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { hideSubmit, uiSchemaOf } from '../forms';
import type { CrmRecord, EntityDefinition } from '../types';

/** A record's data rendered read-only by RJSF from its entity schema. */
export function RecordSnapshot({ record, entity }: { record: CrmRecord; entity: EntityDefinition | undefined }) {
  if (!entity) return <pre className="snapshot" data-testid="record-snapshot">{JSON.stringify(record.data, null, 2)}</pre>;
  return (
    <div className="snapshot" data-testid="record-snapshot">
      <Form
        schema={entity.schema as RJSFSchema}
        uiSchema={uiSchemaOf(entity, { ...hideSubmit, 'ui:globalOptions': { addable: false, removable: false, orderable: false, copyable: false } })}
        formData={record.data}
        validator={validator}
        readonly
        idPrefix="snapshot"
        tagName="div"
      />
    </div>
  );
}
