import { useState, type FormEvent } from 'react';
import { asApiError, post, setToken } from '../api';
import type { User } from '../types';

export function Login({ onSignedIn }: { onSignedIn: (user: User) => void }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError('');
    try {
      const result = await post<{ token: string; user: User }>('/api/auth/login', { username: form.get('username'), password: form.get('password') });
      setToken(result.token);
      onSignedIn(result.user);
    } catch (e) {
      setError(asApiError(e).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form id="login" className="login card" onSubmit={submit} data-testid="login-form">
      <h1>flowcrm</h1>
      <label>User <input name="username" autoComplete="username" required /></label>
      <label>Password <input name="password" type="password" autoComplete="current-password" required /></label>
      <button type="submit" disabled={busy}>Sign in</button>
      <p className="error" id="login-error" data-testid="login-error">{error}</p>
    </form>
  );
}
