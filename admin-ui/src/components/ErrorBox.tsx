import { Alert } from 'antd';
import type { ApiError } from '../api';

/** An API error as the user sees it: code, message and the field paths it names. */
export function ErrorBox({ error, testId = 'error' }: { error: ApiError | null; testId?: string }) {
  if (!error) return null;
  return (
    <Alert
      type="error" showIcon className="error-box" data-testid={testId} data-code={error.code} style={{ marginBottom: 16 }}
      title={<><strong className="error-code">{error.code}</strong> <span className="error-message">{error.message}</span></>}
      description={error.details.length > 0 && (
        <ul className="error-details">{error.details.map((d, i) => <li key={i}><code>{d.path || '/'}</code> {d.message}</li>)}</ul>
      )}
    />
  );
}
