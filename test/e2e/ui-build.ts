import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const uiDir = 'admin-ui';
const distIndex = join(uiDir, 'dist', 'index.html');
const lockDir = join(uiDir, '.build-lock');
const staleLockMs = 120_000;

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function upToDate(): boolean {
  if (!existsSync(distIndex)) return false;
  const sources = Math.max(newestMtime(join(uiDir, 'src')), newestMtime(join(uiDir, 'index.html')), newestMtime(join(uiDir, 'vite.config.ts')));
  return statSync(distIndex).mtimeMs >= sources;
}

function tryLock(): boolean {
  try {
    mkdirSync(lockDir);
    return true;
  } catch {
    const lock = statSync(lockDir, { throwIfNoEntry: false });
    if (lock && Date.now() - lock.mtimeMs > staleLockMs) rmSync(lockDir, { recursive: true, force: true });
    return false;
  }
}

/**
 * Builds the admin UI with Vite's JS API when admin-ui/dist is missing or older than its sources, so the e2e suite
 * runs before (and without) a `build:ui` script. Test files run in parallel forks: a lock directory lets one build.
 */
export async function ensureAdminUiBuilt(): Promise<void> {
  for (;;) {
    if (upToDate()) return;
    if (tryLock()) break;
    await sleep(250);
  }
  try {
    if (upToDate()) return;
    const { build } = await import('vite');
    // vitest sets NODE_ENV=test, which would make Vite bundle React's and antd's development builds: build what
    // `npm run build:ui` builds, so the tests see the production bundle (and its size).
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ configFile: join(uiDir, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
