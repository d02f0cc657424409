import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainError, httpStatusOf, type ErrorDetail } from '../../domain/errors.js';
import { RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../../db/unavailable.js';

interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[] };
}

function body(code: string, message: string, details: ErrorDetail[] = []): ErrorBody {
  return { error: { code, message, details } };
}

/** Every error becomes the contract's error body; nothing internal leaks from a 5xx. */
export default fp(async function errors(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError) {
      return reply.status(httpStatusOf(error.code)).send(body(error.code, error.message, error.details));
    }
    if (error.validation) {
      const details = error.validation.map((v) => {
        const missing = (v.params as { missingProperty?: string }).missingProperty;
        const base = `${error.validationContext === 'body' ? '' : '/' + (error.validationContext ?? '')}${v.instancePath}`;
        return { path: missing ? `${base}/${missing}` : base || '/', message: v.message ?? 'invalid' };
      });
      return reply.status(422).send(body('VALIDATION_FAILED', 'the request is invalid', details));
    }
    if (isDatabaseUnavailable(error)) {
      // A connection-level failure, not a bug: the client may retry (a write cut off during its COMMIT may have landed).
      request.log.warn({ err: error }, 'database unavailable');
      return reply
        .status(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send(body('UNAVAILABLE', 'the database is unavailable; retry shortly'));
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.status(status === 503 ? 503 : 500).send(body('INTERNAL', 'the server could not complete the request'));
    }
    const code = status === 401 ? 'UNAUTHORIZED' : status === 404 ? 'NOT_FOUND' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
    return reply.status(status).send(body(code, error.message));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(body('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));
  });
}, { name: 'errors' });
