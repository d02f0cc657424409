import { useState } from 'react';
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useTranslation } from 'react-i18next';
import { post } from '../api';
import { useApiSubmit } from '../use-api-submit';
import { ErrorBox } from '../components/ErrorBox';
import { ThemedForm } from '../form/theme';

interface Decision { outcome?: string; comment?: string }

/** The task's decision form, rendered from the `formSchema` the API sends with the task. */
export function DecisionForm({ taskId, schema, onDecided }: { taskId: string; schema: RJSFSchema; onDecided: () => void }) {
  const { t } = useTranslation();
  const [formData, setFormData] = useState<Decision>({});
  const { error, extraErrors, busy, run } = useApiSubmit();
  const outcomes = ((schema.properties?.outcome as RJSFSchema | undefined)?.enum ?? []) as string[];
  const uiSchema: UiSchema = {
    outcome: { 'ui:widget': 'radio', 'ui:enumNames': outcomes.map((o) => t(`outcome.${o}`, { defaultValue: o })), 'ui:options': { inline: true } },
    comment: { 'ui:widget': 'textarea', 'ui:placeholder': t('task.why'), 'ui:options': { rows: 3 } },
    'ui:submitButtonOptions': { submitText: t('task.submitDecision'), props: { disabled: busy, type: 'primary' } },
  };

  async function submit(data: Decision) {
    await run(async () => {
      await post(`/api/tasks/${encodeURIComponent(taskId)}/complete`, { outcome: data.outcome, ...(data.comment ? { comment: data.comment } : {}) });
      onDecided();
    });
  }

  return (
    <div className="decision" data-testid="decision-form">
      <ThemedForm
        schema={schema}
        uiSchema={uiSchema}
        formData={formData}
        validator={validator}
        noHtml5Validate
        showErrorList={false}
        extraErrors={extraErrors}
        disabled={busy}
        onChange={(e) => setFormData((e.formData ?? {}) as Decision)}
        onSubmit={(e) => void submit((e.formData ?? {}) as Decision)}
      />
      <ErrorBox error={error} testId="decision-error" />
    </div>
  );
}
