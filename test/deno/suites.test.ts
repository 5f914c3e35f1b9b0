// Runs every runtime-neutral suite under `deno test`, one Deno.test per case. Started by
// test/run-deno.mjs; deno.json maps `slimprune` to the built bundle.
import { suites } from '../suites/index.ts';
import { runCase } from '../run-case.ts';

// tsc checks this file with Node's types; this is the one Deno API it uses.
declare const Deno: { test(definition: { name: string; fn: () => Promise<void> }): void };

for (const s of suites) {
  for (const c of s.cases) Deno.test({ name: `${s.name} › ${c.name}`, fn: () => runCase(c) });
}
