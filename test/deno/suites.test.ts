// Runs every runtime-neutral suite under `deno test`, one Deno.test per case. Started by
// test/run-deno.mjs; deno.json maps `slimprune` to the built bundle.
import { suites } from '../suites/index.ts';
import { runCase } from '../run-case.ts';

// tsc checks this file with Node's types; this is the one Deno API it uses.
declare const Deno: { test(definition: { name: string; ignore: boolean; fn: () => Promise<void> }): void };

for (const s of suites) {
  for (const c of s.cases) {
    const name = `${s.name} › ${c.name}`;
    // Deno decides a skip (its `ignore`) when the test is declared, and reports it as ignored.
    const reason = c.skip?.();
    if (reason !== undefined) console.log(`skipped ${name}: ${reason}`);
    Deno.test({ name, ignore: reason !== undefined, fn: () => runCase(c) });
  }
}
