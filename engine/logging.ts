import pino, { type LoggerOptions } from 'pino';

/**
 * Log options for the API and the worker: JSON lines in production (`NODE_ENV=production`), pretty colour lines in
 * development; `FLOWCRM_LOG_FORMAT=json|pretty` overrides either way. Level from `LOG_LEVEL` (default info).
 */
export function logOptions(env: NodeJS.ProcessEnv = process.env): LoggerOptions {
  const level = env.LOG_LEVEL ?? 'info';
  const format = env.FLOWCRM_LOG_FORMAT ?? (env.NODE_ENV === 'production' ? 'json' : 'pretty');
  if (format !== 'json' && format !== 'pretty') throw new Error(`FLOWCRM_LOG_FORMAT must be json or pretty, not ${format}`);
  return format === 'pretty'
    ? { level, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } }
    : { level };
}

export function createLogger(name: string, env: NodeJS.ProcessEnv = process.env): pino.Logger {
  return pino({ ...logOptions(env), name });
}
