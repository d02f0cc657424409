import { describe, expect, it } from 'vitest';
import { ServiceError } from '@temporalio/client';
import { isTemporalUnavailable } from '../../engine/temporal/unavailable.js';

/** The shape @grpc/grpc-js gives a failed call: a code, details and metadata. */
const grpc = (code: number) => Object.assign(new Error(`${code} grpc`), { code, details: 'x', metadata: {} });

describe('Temporal unavailable', () => {
  it.each<[string, unknown, boolean]>([
    ['UNAVAILABLE (server down or restarting)', grpc(14), true],
    ['DEADLINE_EXCEEDED', grpc(4), true],
    ['RESOURCE_EXHAUSTED', grpc(8), true],
    ['wrapped in the client ServiceError', new ServiceError('Failed to start Workflow', { cause: grpc(14) }), true],
    ['INVALID_ARGUMENT: a bug, not an outage', grpc(3), false],
    ['ALREADY_EXISTS', grpc(6), false],
    ['a plain error', new Error('boom'), false],
    ['nothing', undefined, false],
  ])('%s', (_name, error, expected) => {
    expect(isTemporalUnavailable(error)).toBe(expected);
  });
});
