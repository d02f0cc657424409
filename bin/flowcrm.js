#!/usr/bin/env node
// The flowcrm command line: registers tsx so that the TypeScript sources run as they are.
import { register } from 'tsx/esm/api';

register();
await import('../scripts/cli/main.ts');
