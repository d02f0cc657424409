import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../engine/db/unavailable.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  const unavailable: [string, unknown][] = [
    ['refused connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['reset connection', withCode('ECONNRESET')],
    ['broken pipe', withCode('EPIPE')],
    ['socket timeout', withCode('ETIMEDOUT')],
    ['unknown host', withCode('ENOTFOUND')],
    ['57P01 admin_shutdown', withCode('57P01', 'terminating connection due to administrator command')],
    ['57P02 crash_shutdown', withCode('57P02')],
    ['57P03 cannot_connect_now', withCode('57P03', 'the database system is starting up')],
    ['08006 connection_failure', withCode('08006')],
    ['08003 connection_does_not_exist', withCode('08003')],
    ['08P01 protocol_violation', withCode('08P01')],
    ['53300 too_many_connections', withCode('53300')],
    ['MikroORM sqlState', Object.assign(new Error('driver'), { sqlState: '57P01' })],
    ['MikroORM ConnectionException', Object.assign(new Error('x'), { name: 'ConnectionException' })],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['pg: connection terminated by timeout', new Error('Connection terminated due to connection timeout')],
    ['pg-pool: acquire timeout', new Error('timeout exceeded when trying to connect')],
    ['pg: dead client', new Error('Client has encountered a connection error and is not queryable')],
    ['wrapped in cause', new Error('query failed', { cause: withCode('ECONNREFUSED') })],
    ['cause of a cause', new Error('a', { cause: new Error('b', { cause: withCode('57P01') }) })],
    ['AggregateError of refused addresses', new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'x')],
  ];
  it.each(unavailable)('%s: unavailable', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  const other: [string, unknown][] = [
    ['unique violation 23505', withCode('23505', 'duplicate key value violates unique constraint')],
    ['syntax error 42601', withCode('42601')],
    ['undefined table 42P01', withCode('42P01')],
    ['serialization failure 40001', withCode('40001')],
    ['query canceled 57014', withCode('57014')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a Fastify code that is not SQL', withCode('FST_ERR_VALIDATION')],
    ['a message that only mentions connections', new Error('connection settings are invalid')],
    ['null', null],
    ['a string', 'ECONNREFUSED'],
    ['a cause cycle', (() => { const e = new Error('loop') as Error & { cause?: unknown }; e.cause = e; return e; })()],
  ];
  it.each(other)('%s: not unavailable', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
