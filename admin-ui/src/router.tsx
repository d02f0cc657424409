import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** A pathname router under /admin/: the API serves index.html for every unknown /admin/* path. */
export const base = '/admin';

function currentPath(): string {
  const path = window.location.pathname.startsWith(base) ? window.location.pathname.slice(base.length) : window.location.pathname;
  return (path || '/') + window.location.search;
}

export function navigate(to: string): void {
  window.history.pushState(null, '', base + to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** Navigates without a history entry (redirects). */
export function replace(to: string): void {
  window.history.replaceState(null, '', base + to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return path;
}

/** Matches `/tasks/:id` style patterns; returns the decoded params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const [pathname] = path.split('?');
  const want = pattern.split('/').filter(Boolean);
  const have = pathname.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(have[i]);
    else if (want[i] !== have[i]) return null;
  }
  return params;
}

export function searchParam(path: string, name: string): string | null {
  const search = path.split('?')[1] ?? '';
  return new URLSearchParams(search).get(name);
}

export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={base + to} onClick={handle} {...rest} />;
}
