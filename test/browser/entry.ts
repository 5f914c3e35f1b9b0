/**
 * The page side of test/run-browser.mjs: runs every case of every suite in order, logs each
 * result as it finishes and leaves the whole run on `globalThis.__slimpruneTests` for the runner.
 */
import { suites as allSuites } from '../suites/index.ts';
import { runCase } from '../run-case.ts';

interface CaseResult {
  readonly name: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly error?: string;
  /** Why the case did not run (a declared skip, test/harness.ts); ok is true. */
  readonly skipped?: string;
}

interface BrowserRun {
  /** Cases to run, so the runner can count those a dead page never reached. */
  readonly total: number;
  done: boolean;
  readonly results: CaseResult[];
}

/** Marks the console lines that test/run-browser.mjs prints as results, not as page output. */
const RESULT_PREFIX = '[slimprune-test]';

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack?.includes(error.message) ? error.stack : `${error.message}\n${error.stack ?? ''}`;
  return String(error);
}

async function runAll(run: BrowserRun): Promise<void> {
  for (const s of suites) {
    for (const c of s.cases) {
      const name = `${s.name} › ${c.name}`;
      const started = performance.now();
      let result: CaseResult;
      const reason = c.skip?.();
      if (reason !== undefined) {
        result = { name, ok: true, ms: 0, skipped: reason };
        run.results.push(result);
        console.log(RESULT_PREFIX, JSON.stringify(result));
        continue;
      }
      try {
        await runCase(c);
        result = { name, ok: true, ms: performance.now() - started };
      } catch (error) {
        result = { name, ok: false, ms: performance.now() - started, error: describe(error) };
      }
      run.results.push(result);
      console.log(RESULT_PREFIX, JSON.stringify(result));
    }
  }
}

/** ?suites=<regex> (test/run-browser.mjs passes SLIMPRUNE_SUITES): only the suites it matches. */
const only = new URL(globalThis.location.href).searchParams.get('suites');
const suites = only === null ? allSuites : allSuites.filter((s) => new RegExp(only).test(s.name));
const total = suites.reduce((sum, s) => sum + s.cases.length, 0);
const run: BrowserRun = { total, done: false, results: [] };
(globalThis as unknown as { __slimpruneTests: BrowserRun }).__slimpruneTests = run;
await runAll(run);
run.done = true;
