import type { RJSFSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useSession } from '../config-context';
import { useLocale } from '../i18n';
import { localizedSchema, uiSchemaFor } from '../form/field-ui';
import { hideSubmit } from '../form/patch';
import { ThemedForm } from '../form/theme';
import type { CrmRecord, EntityDefinition } from '../types';

/** A record's data rendered read-only by RJSF from its entity schema, labels in the locale. */
export function RecordSnapshot({ record, entity }: { record: CrmRecord; entity: EntityDefinition | undefined }) {
  const locale = useLocale();
  const { config, user } = useSession();
  if (!entity) return <pre className="snapshot" data-testid="record-snapshot">{JSON.stringify(record.data, null, 2)}</pre>;
  return (
    <div className="snapshot" data-testid="record-snapshot">
      <ThemedForm
        schema={localizedSchema(entity.schema as RJSFSchema, locale)}
        uiSchema={uiSchemaFor(entity, { locale }, { ...hideSubmit, 'ui:globalOptions': { addable: false, removable: false, orderable: false, copyable: false } })}
        formData={record.data}
        formContext={{ config, locale, user, readonlyAsDisabled: false }}
        validator={validator}
        readonly
        idPrefix="snapshot"
        tagName="div"
      />
    </div>
  );
}
