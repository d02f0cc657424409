import { useState } from 'react';
import type { ErrorSchema } from '@rjsf/utils';
import { asApiError, type ApiError } from './api';
import { toErrorSchema } from './form/patch';

/**
 * The submit cycle of an RJSF form backed by the API: busy while the call runs, the API's error shown as a whole,
 * and its JSON-pointer details shown at their fields (`extraErrors`).
 */
export function useApiSubmit() {
  const [error, setError] = useState<ApiError | null>(null);
  const [extraErrors, setExtraErrors] = useState<ErrorSchema | undefined>();
  const [busy, setBusy] = useState(false);

  async function run(call: () => Promise<void>): Promise<void> {
    setBusy(true);
    setError(null);
    setExtraErrors(undefined);
    try {
      await call();
    } catch (e) {
      const failure = asApiError(e);
      setError(failure);
      if (failure.details.length) setExtraErrors(toErrorSchema(failure.details));
    } finally {
      setBusy(false);
    }
  }

  return { error, extraErrors, busy, run };
}
