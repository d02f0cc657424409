import { useState } from 'react';
import { Radio, Typography } from 'antd';
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useTranslation } from 'react-i18next';
import { asApiError, post, type ApiError } from '../api';
import { useSession } from '../config-context';
import { useLocale } from '../i18n';
import { ErrorBox } from '../components/ErrorBox';
import { toErrorSchema } from '../form/patch';
import { localizedSchema } from '../form/field-ui';
import { ThemedForm } from '../form/theme';
import type { ErrorSchema } from '@rjsf/utils';
import type { TaskDetail } from '../types';

type Data = Record<string, unknown>;

/** What `GET /api/tasks/:id` adds for user tasks: the step's own form and its outcomes. */
export interface UserTask extends TaskDetail { userTask?: boolean; formUi?: UiSchema | null; outcomes?: string[] }

/**
 * A process user task (Camunda Tasklist): the step's own form (its `form.schema` / `form.ui` from the process
 * definition) and, when the step has several outcomes, the choice among them. The API validates the answers against
 * the form; its `/data/...` errors appear at their fields.
 */
export function UserTaskForm({ task, onDone }: { task: UserTask; onDone: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { config, user } = useSession();
  const outcomes = task.outcomes ?? [];
  const [outcome, setOutcome] = useState(outcomes[0]);
  const [formData, setFormData] = useState<Data>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [extraErrors, setExtraErrors] = useState<ErrorSchema | undefined>();
  const [busy, setBusy] = useState(false);
  const outcomeLabel = (o: string) => t(`outcome.${o}`, { defaultValue: o });

  async function submit(data: Data) {
    setBusy(true);
    setError(null);
    setExtraErrors(undefined);
    try {
      await post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, { ...(outcome ? { outcome } : {}), data });
      onDone();
    } catch (e) {
      const failure = asApiError(e);
      setError(failure);
      const atFields = failure.details.filter((d) => d.path.startsWith('/data/'));
      if (atFields.length) setExtraErrors(toErrorSchema(atFields, '/data'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="decision user-task" data-testid="user-task-form">
      {outcomes.length > 1 && (
        <div style={{ marginBottom: 12 }}>
          <Typography.Text strong id="user-task-outcome">{t('task.decided')}</Typography.Text>{' '}
          <Radio.Group aria-labelledby="user-task-outcome" value={outcome} onChange={(e) => setOutcome(e.target.value as string)} data-testid="user-task-outcome"
            options={outcomes.map((o) => ({ value: o, label: outcomeLabel(o) }))} />
        </div>
      )}
      <ThemedForm
        schema={localizedSchema(task.formSchema as RJSFSchema, locale)}
        uiSchema={{ ...(task.formUi ?? {}), 'ui:submitButtonOptions': { submitText: t('userTask.submit', { outcome: outcome ? outcomeLabel(outcome) : '' }), props: { disabled: busy, type: 'primary' } } }}
        formData={formData}
        formContext={{ config, locale, user }}
        validator={validator}
        noValidate
        noHtml5Validate
        showErrorList={false}
        extraErrors={extraErrors}
        onChange={(e) => setFormData((e.formData ?? {}) as Data)}
        onSubmit={(e) => void submit((e.formData ?? {}) as Data)}
      />
      <ErrorBox error={error} testId="user-task-error" />
    </div>
  );
}
