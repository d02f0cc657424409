import { describe, expect, it } from 'vitest';
import { logOptions } from '../../engine/logging.js';

describe('log format', () => {
  it.each([
    [{}, 'pretty'],
    [{ NODE_ENV: 'development' }, 'pretty'],
    [{ NODE_ENV: 'production' }, 'json'],
    [{ NODE_ENV: 'production', FLOWCRM_LOG_FORMAT: 'pretty' }, 'pretty'],
    [{ FLOWCRM_LOG_FORMAT: 'json' }, 'json'],
  ] as [NodeJS.ProcessEnv, string][])('%j logs %s', (env, format) => {
    const options = logOptions(env);
    expect(options.transport ? 'pretty' : 'json').toBe(format);
    expect(options.level).toBe('info');
  });

  it('takes LOG_LEVEL and refuses an unknown format', () => {
    expect(logOptions({ LOG_LEVEL: 'debug', NODE_ENV: 'production' })).toEqual({ level: 'debug' });
    expect(() => logOptions({ FLOWCRM_LOG_FORMAT: 'xml' })).toThrow('FLOWCRM_LOG_FORMAT must be json or pretty');
  });
});
