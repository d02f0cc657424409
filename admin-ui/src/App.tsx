import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { Spin } from 'antd';
import { get, getToken, onUnauthorized, query, setToken } from './api';
import { SessionContext } from './config-context';
import { AppLayout } from './components/AppLayout';
import { LocaleProvider } from './locale-provider';
import { navigate, replace, searchParam, usePath } from './router';
import { Routes } from './Routes';
import type { Config, User } from './types';

/** Its own chunk: antd's Form (and its validator) are not needed by a signed-in user's inbox. */
const LoginPage = lazy(() => import('./pages/LoginPage').then((m) => ({ default: m.LoginPage })));

/** Where sign-in sends the user back to: the `next` of /login, never another origin. */
function nextOf(path: string): string {
  const next = searchParam(path, 'next');
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

export function App() {
  const [user, setUser] = useState<User | null>(null);
  const [config, setConfig] = useState<Config | null>(null);
  const [checking, setChecking] = useState(() => getToken() !== null);
  const [expired, setExpired] = useState(false);
  const path = usePath();
  const onLogin = path.split('?')[0] === '/login';

  useEffect(() => onUnauthorized(() => { setToken(null); setUser(null); setExpired(true); }), []);

  useEffect(() => {
    if (!getToken()) return;
    get<User>('/api/auth/me').then(setUser).catch(() => setToken(null)).finally(() => setChecking(false));
  }, []);

  const [configLoads, setConfigLoads] = useState(0);
  useEffect(() => {
    if (user) get<Config>('/api/config').then(setConfig).catch(() => setConfig(null));
  }, [user, configLoads]);
  const reloadConfig = useCallback(() => setConfigLoads((n) => n + 1), []);

  // Signed out (or the token expired) anywhere but /login: go to sign-in, remembering the page.
  useEffect(() => {
    if (checking || user || onLogin) return;
    replace(`/login${query({ next: path === '/' ? undefined : path, expired: expired ? '1' : undefined })}`);
  }, [checking, user, onLogin, path, expired]);

  // Signed in on /login (just now, or by a deep link while signed in): back to where the user was going.
  useEffect(() => {
    if (user && onLogin) replace(nextOf(path));
  }, [user, onLogin, path]);

  function signOut() {
    setToken(null);
    setUser(null);
    setConfig(null);
    setExpired(false);
    navigate('/login');
  }

  let body;
  if (checking) body = <div className="center"><Spin size="large" /></div>;
  else if (!user) {
    body = onLogin && (
      <Suspense fallback={<div className="center"><Spin size="large" /></div>}>
        <LoginPage expired={searchParam(path, 'expired') === '1'} onSignedIn={(u) => { setExpired(false); setUser(u); }} />
      </Suspense>
    );
  }
  else {
    body = (
      <SessionContext.Provider value={{ user, config, reloadConfig }}>
        <AppLayout path={path} onSignOut={signOut}><Routes path={path} /></AppLayout>
      </SessionContext.Provider>
    );
  }
  return <LocaleProvider>{body}</LocaleProvider>;
}
