// Ends vitest's output with the same one-line summary as test/run-deno.mjs and
// test/run-browser.mjs, so `npm test` closes each runtime the same way.
import type { Reporter } from 'vitest/reporters';

export default class SummaryReporter implements Reporter {
  onTestRunEnd: NonNullable<Reporter['onTestRunEnd']> = (testModules, unhandledErrors) => {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const module of testModules) {
      let failedHere = 0;
      let skippedHere = 0;
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state === 'passed') passed++;
        else if (result.state === 'failed') failedHere++;
        // A case that declared a skip (test/harness.ts) ran and stopped; one left out by -t did not run.
        else if (result.state === 'skipped' && test.options.mode === 'run') {
          skippedHere++;
          console.log(`  skipped ${test.fullName}: ${result.note ?? 'no reason given'}`);
        }
      }
      // A file that failed with no failed test: it did not load, or a beforeAll/afterAll threw
      // (its tests are then reported as skipped), which must not read as a pass.
      if (module.state() === 'failed' && failedHere === 0) {
        failedHere = 1;
        skippedHere = 0;
        console.log(`  failed ${module.moduleId}: outside its tests (loading, or a beforeAll/afterAll hook)`);
      }
      failed += failedHere;
      skipped += skippedHere;
    }
    console.log(`node: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  };
}
