import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The UI tests drive Debian's Chromium. When it is missing: installed with apt-get if we are root on a machine that
 * has apt-get, else one line saying what to run. Returns false when Chromium is still missing.
 */
export function ensureChromium(log: (line: string) => void = console.log): boolean {
  if (existsSync(chromiumPath)) return true;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (process.getuid?.() === 0 && hasApt && !process.env.CHROMIUM_PATH) {
    log('[test] Chromium is missing: installing it with apt-get (once) ...');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    try {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
      execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
    } catch (err) {
      log(`[test] installing Chromium failed (${(err as Error).message}): the UI tests will fail`);
    }
    return existsSync(chromiumPath);
  }
  const how = hasApt ? 'sudo apt-get install -y chromium' : 'install Chromium and set CHROMIUM_PATH to its binary';
  log(`[test] Chromium not found at ${chromiumPath}: the UI tests (test/e2e) will fail; run: ${how}`);
  return false;
}
