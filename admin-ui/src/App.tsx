import { useEffect, useState } from 'react';
import { get, getToken, onUnauthorized, setToken } from './api';
import { SessionContext, isAdmin } from './config-context';
import { Login } from './components/Login';
import { NotificationBell } from './components/NotificationBell';
import { Link, navigate, usePath } from './router';
import { Routes } from './Routes';
import type { Config, User } from './types';

export function App() {
  const [user, setUser] = useState<User | null>(null);
  const [config, setConfig] = useState<Config | null>(null);
  const [checking, setChecking] = useState(() => getToken() !== null);
  const path = usePath();

  useEffect(() => onUnauthorized(() => { setToken(null); setUser(null); }), []);

  useEffect(() => {
    if (!getToken()) return;
    get<User>('/api/auth/me').then(setUser).catch(() => setToken(null)).finally(() => setChecking(false));
  }, []);

  useEffect(() => {
    if (user) get<Config>('/api/config').then(setConfig).catch(() => setConfig(null));
  }, [user]);

  function signOut() {
    setToken(null);
    setUser(null);
    setConfig(null);
    navigate('/');
  }

  if (checking) return <p className="muted page">Loading…</p>;
  if (!user) return <Login onSignedIn={setUser} />;

  const section = path.split('/')[1] ?? '';
  const nav = (to: string, label: string, name: string) => (
    <Link to={to} className={section === name || (name === 'inbox' && (section === '' || section === 'tasks')) ? 'active' : ''} data-testid={`nav-${name}`}>{label}</Link>
  );

  return (
    <SessionContext.Provider value={{ user, config }}>
      <header className="topbar">
        <strong className="brand">flowcrm</strong>
        <nav>
          {nav('/', 'Inbox', 'inbox')}
          {nav('/records', 'Records', 'records')}
          {isAdmin(user) && nav('/config', 'Config', 'config')}
        </nav>
        <span className="spacer" />
        <NotificationBell />
        <span className="me">Signed in as <strong id="me" data-testid="me">{user.username}</strong></span>
        <button type="button" className="link" onClick={signOut} data-testid="sign-out">Sign out</button>
      </header>
      <main className="page"><Routes path={path} /></main>
    </SessionContext.Provider>
  );
}
