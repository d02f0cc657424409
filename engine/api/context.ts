import type { MikroORM } from '@mikro-orm/postgresql';
import type { FlowClient } from '../temporal/client.js';
import type { SimulationSettings } from '../simulation/environment.js';

export interface AppDeps {
  orm: MikroORM;
  flow: FlowClient;
  jwtSecret: string;
  /** Where the admin UI's static build lives; the built-in page is served when absent. */
  adminUiDir?: string;
  /** Process runs continue as new after this many history events (default: when Temporal suggests it). */
  processHistoryLimit?: number;
  /** Browser origins allowed by CORS; absent: `FLOWCRM_CORS_ORIGINS`; empty: CORS off. */
  corsOrigins?: string[];
  /** A bearer token `/metrics` asks of scrapers; absent: `FLOWCRM_METRICS_TOKEN`; empty: open. */
  metricsToken?: string;
  /** Logins per client IP per minute; absent: `FLOWCRM_LOGIN_RATE_LIMIT`, else 20. */
  loginRateLimit?: number;
  /** `POST /api/config/simulate`: the test server, the workflow bundle, the budgets. */
  simulation?: SimulationSettings;
}

export interface AuthUser {
  username: string;
  roles: string[];
  /** The token's id (`jti`) and expiry (seconds since the epoch): what logout revokes. */
  session?: { id?: string; expires?: number };
  /** Set when the request came with an integration token: its id and the scopes that restrict it. */
  token?: { id: string; scopes: string[] };
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
    authenticate: (request: FastifyRequest) => Promise<void>;
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string; roles: string[]; jti?: string; exp?: number };
    user: AuthUser;
  }
}
