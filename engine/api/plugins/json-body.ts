import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { inspectBody } from '../../domain/records/mass-assignment.js';

/**
 * JSON bodies: parsed with JSON.parse (own properties only, nothing reaches a prototype), then refused when any key
 * anywhere is `__proto__`, `constructor` or `prototype` (422 FORBIDDEN_FIELD), or when a string holds NUL, a number
 * is not finite (1e999) or the nesting is deeper than 64 (422 VALIDATION_FAILED); every problem at its JSON pointer.
 * Replaces Fastify's parser, which answers prototype keys with a 400 that names no path.
 */
export default fp(async function jsonBody(app: FastifyInstance) {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    if (text === '') {
      done(new DomainError('BAD_REQUEST', 'the body is empty; send JSON or leave out the content type', [{ path: '/', message: 'empty' }]), undefined);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(text as string);
    } catch (error) {
      done(new DomainError('BAD_REQUEST', 'the body is not valid JSON', [{ path: '/', message: (error as Error).message }]), undefined);
      return;
    }
    const { forbidden, invalid } = inspectBody(body);
    if (forbidden.length) done(new DomainError('FORBIDDEN_FIELD', 'the body uses keys that are never accepted', [...forbidden, ...invalid]), undefined);
    else if (invalid.length) done(new DomainError('VALIDATION_FAILED', 'the body holds values that cannot be stored', invalid), undefined);
    else done(null, body);
  });
}, { name: 'json-body', dependencies: ['errors'] });
