// Runs every runtime-neutral suite under `bun test`, one test per case. Started by
// test/run-bun.mjs, which points Bun at test/bun/tsconfig.json so that `slimprune` is the built
// bundle; SLIMPRUNE_SUITES=<regex> keeps the suites whose name matches, as in the browser runner.
import { test } from 'bun:test';
import { suites as allSuites } from '../suites/index.ts';
import { runCase, DEFAULT_TIMEOUT_MS } from '../run-case.ts';
import { assertEqual } from '../harness.ts';
import { env } from 'slimprune/internal';

const only = process.env['SLIMPRUNE_SUITES'];
const suites = only === undefined ? allSuites : allSuites.filter((s) => new RegExp(only).test(s.name));

// The suites below would also pass if Bun were taken for Node, so say which runtime this is.
test('bun › env.runtime names Bun', () => assertEqual(env.runtime, 'bun', 'env.runtime'));

for (const s of suites) {
  for (const c of s.cases) {
    const name = `${s.name} › ${c.name}`;
    // Decided when the test is declared, as in Deno; the reason goes to the output, where the
    // runner's summary counts the skip.
    const reason = c.skip?.();
    if (reason !== undefined) {
      console.log(`skipped ${name}: ${reason}`);
      test.skip(name, () => runCase(c));
      continue;
    }
    // runCase applies the case's own timeout; Bun's is a backstop a little later.
    test(name, () => runCase(c), (c.timeoutMs ?? DEFAULT_TIMEOUT_MS) + 5_000);
  }
}
