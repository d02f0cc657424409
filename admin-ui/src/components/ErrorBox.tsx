import type { ApiError } from '../api';

/** An API error as the user sees it: code, message and the field paths it names. */
export function ErrorBox({ error, testId = 'error' }: { error: ApiError | null; testId?: string }) {
  if (!error) return null;
  return (
    <div className="error-box" role="alert" data-testid={testId} data-code={error.code}>
      <strong className="error-code">{error.code}</strong> <span className="error-message">{error.message}</span>
      {error.details.length > 0 && (
        <ul>
          {error.details.map((d, i) => <li key={i}><code>{d.path || '/'}</code> {d.message}</li>)}
        </ul>
      )}
    </div>
  );
}
