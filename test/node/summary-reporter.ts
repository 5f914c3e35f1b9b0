// Ends vitest's output with the same one-line summary as test/run-deno.mjs and
// test/run-browser.mjs, so `npm test` closes each runtime the same way.
import type { Reporter } from 'vitest/reporters';

export default class SummaryReporter implements Reporter {
  onTestRunEnd: NonNullable<Reporter['onTestRunEnd']> = (testModules, unhandledErrors) => {
    let passed = 0;
    let failed = unhandledErrors.length;
    for (const module of testModules) {
      if (module.state() === 'failed' && module.children.size === 0) failed++; // did not load
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
      }
    }
    console.log(`node: ${passed} passed, ${failed} failed`);
  };
}
