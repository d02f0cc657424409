import type { Duplex } from 'node:stream';
import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, httpStatusOf, type ErrorDetail } from '../../domain/errors.js';
import { RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../../db/unavailable.js';
import { sqlState } from '../../db/record-sql.js';
import { isTemporalUnavailable } from '../../temporal/unavailable.js';

interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[] };
}

function body(code: string, message: string, details: ErrorDetail[] = []): ErrorBody {
  return { error: { code, message, details } };
}

/** Errors the router raises before any hook (a path parameter over `maxParamLength`, a bad URL): same envelope. */
export function frameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void reply.status(400).send(body('BAD_REQUEST', error.message.slice(0, 200), [{ path: '/params', message: error.code ?? 'invalid' }]));
}

const clientErrors: Record<string, [number, string, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'HEADERS_TOO_LARGE', 'the request line and headers are larger than the server accepts'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'REQUEST_TIMEOUT', 'the request did not arrive in time'],
};

/**
 * Errors Node's HTTP parser meets before Fastify sees a request (a URL or headers over `maxHeaderSize`: 431, a
 * malformed request line: 400): written to the socket in the same envelope, then the connection is closed.
 */
export function clientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, code, message] = clientErrors[error.code ?? ''] ?? [400, 'Bad Request', 'BAD_REQUEST', 'the request is malformed'];
  const payload = JSON.stringify(body(code, message));
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(payload)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${payload}`);
  }
  socket.destroy(error);
}

/** The methods a known path is probed for, to answer another method with 405 and `Allow` instead of 404. */
const probedMethods = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'] as const;

/** Every error becomes the contract's error body; nothing internal leaks from a 5xx. */
export default fp(async function errors(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError) {
      const status = httpStatusOf(error.code);
      if (status === 503) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return reply.status(status).send(body(error.code, error.message, error.details));
    }
    if (error.validation) {
      const details = error.validation.map((v) => {
        const missing = (v.params as { missingProperty?: string }).missingProperty;
        const base = `${error.validationContext === 'body' ? '' : '/' + (error.validationContext ?? '')}${v.instancePath}`;
        return { path: missing ? `${base}/${missing}` : base || '/', message: v.message ?? 'invalid' };
      });
      return reply.status(422).send(body('VALIDATION_FAILED', 'the request is invalid', details));
    }
    if (isTemporalUnavailable(error)) {
      request.log.warn({ err: error }, 'Temporal unavailable');
      return reply
        .status(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send(body('UNAVAILABLE', 'the process engine is unavailable; retry shortly'));
    }
    if (isDatabaseUnavailable(error)) {
      // A connection-level failure, not a bug: the client may retry (a write cut off during its COMMIT may have landed).
      request.log.warn({ err: error }, 'database unavailable');
      return reply
        .status(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send(body('UNAVAILABLE', 'the database is unavailable; retry shortly'));
    }
    if (sqlState(error)?.startsWith('22')) {
      // a data exception (malformed uuid, value out of range, bad encoding): the input's fault, and a missed check
      request.log.warn({ err: error }, 'a request value was refused by the database');
      return reply.status(400).send(body('BAD_REQUEST', 'a value in the request is malformed or out of range'));
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.status(status === 503 ? 503 : 500).send(body('INTERNAL', 'the server could not complete the request'));
    }
    const code = status === 401 ? 'UNAUTHORIZED' : status === 404 ? 'NOT_FOUND' : status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
    return reply.status(status).send(body(code, error.message));
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    // a route of this very method that answered not found (a missing static file) stays a 404
    const routed = !!app.findRoute({ method: request.method, url: path });
    const allowed = routed ? [] : probedMethods.filter((method) => app.findRoute({ method, url: path }));
    if (allowed.length) {
      return reply.status(405).header('allow', allowed.join(', ')).send(body('METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${path}`));
    }
    return reply.status(404).send(body('NOT_FOUND', `no route ${request.method} ${path}`));
  });
}, { name: 'errors' });
