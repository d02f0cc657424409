import { CliError } from './output.js';

export interface ApiOptions {
  url: string;
  user?: string;
  password?: string;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface ApiErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string; code?: string }[] };
}

/** A small client of a running flowcrm API; logs in with FLOWCRM_TOKEN or user and password (flags or env). */
export class Api {
  private token: string | undefined = process.env.FLOWCRM_TOKEN || undefined;

  constructor(private readonly options: ApiOptions) {}

  async get(path: string): Promise<ApiResponse> {
    return this.request('GET', path);
  }

  async post(path: string, body: unknown): Promise<ApiResponse> {
    return this.request('POST', path, body);
  }

  private async request(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const token = await this.login();
    return this.send(method, path, body, token);
  }

  private async login(): Promise<string> {
    if (this.token) return this.token;
    const user = this.options.user ?? process.env.FLOWCRM_USER;
    const password = this.options.password ?? process.env.FLOWCRM_PASSWORD;
    if (!user || password === undefined) {
      throw new CliError('credentials needed: --user and --password, FLOWCRM_USER and FLOWCRM_PASSWORD, or FLOWCRM_TOKEN');
    }
    const res = await this.send('POST', '/api/auth/login', { username: user, password });
    if (res.status !== 200) throw new CliError(`login as ${user} failed: ${describe(res)}`);
    this.token = (res.body as { token: string }).token;
    return this.token;
  }

  private async send(method: string, path: string, body: unknown, token?: string): Promise<ApiResponse> {
    const url = this.options.url.replace(/\/+$/, '') + path;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch (error) {
      throw new CliError(`cannot reach ${url}: ${(error as Error).cause ?? (error as Error).message}`);
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch { /* not JSON: keep the text */ }
    return { status: response.status, body: parsed };
  }
}

export function isApiError(body: unknown): body is ApiErrorBody {
  return !!body && typeof body === 'object' && 'error' in body && !!(body as ApiErrorBody).error?.code;
}

/** `422 CONFIG_INVALID: the configuration bundle is invalid` */
export function describe(res: ApiResponse): string {
  return isApiError(res.body) ? `${res.status} ${res.body.error.code}: ${res.body.error.message}` : `HTTP ${res.status}`;
}

/** Fails with the API's error unless the status is the expected one. */
export function expectStatus(res: ApiResponse, status: number, what: string): void {
  if (res.status === status) return;
  const details = isApiError(res.body) ? (res.body.error.details ?? []).map((d) => `${d.path} ${d.code ?? ''} ${d.message}`.replace(/ {2}/, ' ')) : [];
  throw new CliError(`${what} failed: ${describe(res)}`, details);
}
