/**
 * Hostile configuration: how long the publish check takes to refuse each hostile bundle (issue 3: within 100 ms),
 * against a baseline measured in the same run on the same input: one iterative walk over every value of the bundle,
 * the floor of any check that looks at all of it. Each case is validated ROUNDS times on a fresh bundle; the
 * meta-schema is compiled before the clock starts.
 *   npx tsx bench/config-hostile.ts [ROUNDS=7]
 */
import { loadavg } from 'node:os';
import { validateBundle } from '../engine/domain/config/validate-bundle.js';
import { bundleWith, hostile } from '../test/support/hostile-configs.js';
import { percentile } from './lib/stats.js';

const rounds = Number(process.argv[2] ?? 7);
const TARGET_MS = 100;

/** Visits every value once, with an explicit stack (the deepest bundle would overflow a recursive walk). */
function walk(root: unknown): number {
  const stack: unknown[] = [root];
  let visited = 0;
  while (stack.length) {
    const value = stack.pop();
    visited++;
    if (value && typeof value === 'object') for (const child of Object.values(value)) stack.push(child);
  }
  return visited;
}

function timed(run: () => void): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

validateBundle(bundleWith({}));
console.log(`${hostile.length} hostile bundles, ${rounds} rounds each; load average ${loadavg().map((v) => v.toFixed(1)).join(' ')}\n`);
console.log('| bundle | code | walk of every value p50 ms (baseline) | refused p50 ms | refused max ms | ratio p50 |\n|---|---|---|---|---|---|');
let worst = 0;
for (const [name, build, code] of hostile) {
  const baseline: number[] = [];
  const refused: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const bundle = build();
    baseline.push(timed(() => walk(bundle)));
    let codes: string[] = [];
    refused.push(timed(() => (codes = validateBundle(bundle).errors.map((e) => e.code))));
    if (!codes.includes(code)) throw new Error(`${name}: expected ${code}, got ${codes.join(', ') || 'no error'}`);
  }
  const [b50, r50, rMax] = [percentile(baseline, 50), percentile(refused, 50), Math.max(...refused)];
  worst = Math.max(worst, rMax);
  console.log(`| ${name} | ${code} | ${b50.toFixed(2)} | ${r50.toFixed(2)} | ${rMax.toFixed(2)} | ${b50 >= 0.01 ? `${(r50 / b50).toFixed(2)}x` : '- (baseline under 0.01 ms)'} |`);
}
console.log(`\nslowest refusal ${worst.toFixed(1)} ms (target: each within ${TARGET_MS} ms): ${worst <= TARGET_MS ? 'met' : 'not met'}`);
