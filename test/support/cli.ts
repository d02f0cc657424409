import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoDir = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/flowcrm.js ...args` as a child process (asynchronously: a stack in this process keeps serving). */
export function flowcrm(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, FLOWCRM_USER: undefined, FLOWCRM_PASSWORD: undefined, FLOWCRM_TOKEN: undefined, ...env };
  for (const [key, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[key];
  return new Promise((resolve) => {
    execFile('node_modules/.bin/node', ['bin/flowcrm.js', ...args], { cwd: repoDir, env: childEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
