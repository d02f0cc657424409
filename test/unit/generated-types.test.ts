import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as Hand from '../../engine/domain/config/types.js';
import type { ApprovalChain } from '../../schemas/generated/approval-chain.js';
import type { Bundle } from '../../schemas/generated/bundle.js';
import type { EntityDefinition } from '../../schemas/generated/entity.js';
import type { ProcessDefinition, ProcessStep } from '../../schemas/generated/process.js';
import { banner, generatedDir, generateTypes } from '../../scripts/gen-types.js';
import { entityTypesBanner, entityTypesDir, generateEntityTypes } from '../../scripts/cli/entity-types.js';
import { readBundleFolder, starterPackDir } from '../../engine/config-folder.js';

describe('schemas/generated', () => {
  it('is up to date with schemas/meta (run npm run gen:types)', async () => {
    const expected = await generateTypes();
    const actual = new Map(
      readdirSync(generatedDir)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => [f, readFileSync(join(generatedDir, f), 'utf8')]),
    );
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [file, content] of expected) {
      expect(content.startsWith(banner), file).toBe(true);
      expect(actual.get(file), `schemas/generated/${file} is stale`).toBe(content);
    }
  }, 30_000);

  it('holds the entity types of the starter pack (run node bin/flowcrm.js types)', async () => {
    const expected = await generateEntityTypes((await readBundleFolder(starterPackDir)).bundle);
    const actual = new Map(
      readdirSync(entityTypesDir)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => [f, readFileSync(join(entityTypesDir, f), 'utf8')]),
    );
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [file, content] of expected) {
      expect(content.startsWith(entityTypesBanner), file).toBe(true);
      expect(actual.get(file), `schemas/generated/entities/${file} is stale`).toBe(content);
    }
  }, 30_000);

  it('describes data that the hand-written engine types accept', () => {
    // Compile-time checks (tsc): whatever the meta-schemas allow must fit the engine's types.
    expectTypeOf<EntityDefinition>().toExtend<Hand.EntityDefinition>();
    expectTypeOf<ApprovalChain>().toExtend<Hand.ApprovalChain>();
    expectTypeOf<ProcessStep>().toExtend<Hand.ProcessStep>();
    expectTypeOf<ProcessDefinition>().toExtend<Hand.ProcessDefinition>();
    expectTypeOf<Bundle>().toExtend<Hand.Bundle>();
  });
});
