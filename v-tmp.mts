import { readBundleFolder, starterPackDir } from '/work/main/engine/config-folder.js';
import { validateBundle } from '/work/main/engine/domain/config/validate-bundle.js';
import { readFileSync } from 'node:fs';
const arg = process.argv[2];
const bundle = arg ? JSON.parse(readFileSync(arg, 'utf8')).bundle : (await readBundleFolder(starterPackDir)).bundle;
const t = performance.now();
const r = validateBundle(bundle);
console.log(JSON.stringify(r.errors, null, 1), (performance.now() - t).toFixed(1), 'ms');
