import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { AppDeps } from './context.js';
import errors, { clientError, frameworkError } from './plugins/errors.js';
import auth from './plugins/auth.js';
import docs from './plugins/docs.js';
import adminUi from './plugins/admin-ui.js';
import auditDenials from './plugins/audit-denials.js';
import policyHook from './policy/hook.js';
import jsonBody from './plugins/json-body.js';
import hygiene from './plugins/hygiene.js';
import errorResponses from './plugins/error-responses.js';
import idempotency from './plugins/idempotency.js';
import metrics from './plugins/metrics.js';
import drain from './plugins/drain.js';
import rateLimits from './plugins/rate-limit.js';
import healthRoutes from './routes/health.js';
import authRoutes from './routes/auth.js';
import apiTokenRoutes from './routes/api-tokens.js';
import userRoutes from './routes/users.js';
import configRoutes from './routes/config.js';
import configVersionRoutes from './routes/config-versions.js';
import configMetaRoutes from './routes/config-meta.js';
import recordRoutes from './routes/records.js';
import processRoutes from './routes/processes.js';
import eventRoutes from './routes/events.js';
import taskRoutes from './routes/tasks.js';
import notificationRoutes from './routes/notifications.js';
import webhookRoutes from './routes/webhooks.js';
import delegationRoutes from './routes/delegations.js';
import stageRoutes from './routes/stages.js';
import pipelineRoutes from './routes/pipelines.js';
import simulateRoutes from './routes/simulate.js';

/** The whole API as one plugin tree; `server.ts` wraps it in a process. */
export async function buildApp(deps: AppDeps, options: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false } },
    bodyLimit: 1024 * 1024,
    // task ids carry the workflow id and run id: longer than Fastify's default of 100
    routerOptions: { maxParamLength: 500 },
    // the drain plugin answers requests that arrive while closing, in the error envelope
    return503OnClosing: false,
    frameworkErrors: frameworkError,
    clientErrorHandler: clientError,
    ...options,
  });
  app.decorate('deps', deps);
  await app.register(errors);
  await app.register(drain);
  await app.register(rateLimits);
  await app.register(jsonBody);
  await app.register(hygiene, { corsOrigins: deps.corsOrigins });
  await app.register(errorResponses);
  await app.register(docs);
  await app.register(metrics);
  await app.register(auth);
  await app.register(auditDenials);
  await app.register(policyHook);
  await app.register(idempotency);
  await app.register(adminUi);
  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(apiTokenRoutes);
  await app.register(userRoutes);
  await app.register(configRoutes);
  await app.register(configVersionRoutes);
  await app.register(configMetaRoutes);
  await app.register(recordRoutes);
  await app.register(processRoutes);
  await app.register(eventRoutes);
  await app.register(taskRoutes);
  await app.register(notificationRoutes);
  await app.register(webhookRoutes);
  await app.register(delegationRoutes);
  await app.register(stageRoutes);
  await app.register(pipelineRoutes);
  await app.register(simulateRoutes);
  await app.ready();
  return app;
}
