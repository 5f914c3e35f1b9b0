// Ends vitest's output with the same one-line summary as test/run-deno.mjs and
// test/run-browser.mjs, so `npm test` closes each runtime the same way.
import type { Reporter } from 'vitest/reporters';

export default class SummaryReporter implements Reporter {
  onTestRunEnd: NonNullable<Reporter['onTestRunEnd']> = (testModules, unhandledErrors) => {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const module of testModules) {
      if (module.state() === 'failed' && module.children.size === 0) failed++; // did not load
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state === 'passed') passed++;
        else if (result.state === 'failed') failed++;
        // A case that declared a skip (test/harness.ts) ran and stopped; one left out by -t did not run.
        else if (result.state === 'skipped' && test.options.mode === 'run') {
          skipped++;
          console.log(`  skipped ${test.fullName}: ${result.note ?? 'no reason given'}`);
        }
      }
    }
    console.log(`node: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  };
}
