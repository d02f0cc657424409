/**
 * The only way the UI talks to flowcrm: same-origin JSON calls with the bearer token kept in localStorage, so a reload,
 * a deep link and a second tab stay signed in until the token expires (decision 0032).
 */

const tokenKey = 'flowcrm-token';

export interface ErrorDetail { path: string; message: string; code?: string }

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details: ErrorDetail[] = []) {
    super(message);
  }
}

export function getToken(): string | null {
  return localStorage.getItem(tokenKey);
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(tokenKey, token);
  else localStorage.removeItem(tokenKey);
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called when the API answers 401 to a signed-in call (expired token): the app signs out. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export interface RequestOptions { body?: unknown; headers?: Record<string, string> }

export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const token = getToken();
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  const data: unknown = text ? safeJson(text) : null;
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string; details?: ErrorDetail[] } } | null)?.error;
    if (response.status === 401 && token) unauthorizedListeners.forEach((l) => l());
    throw new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? response.statusText, error?.details ?? []);
  }
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export const get = <T>(path: string) => api<T>('GET', path);
export const del = <T>(path: string) => api<T>('DELETE', path);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, { body: body ?? {} });

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'NETWORK_ERROR', error instanceof Error ? error.message : String(error));
}

export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
