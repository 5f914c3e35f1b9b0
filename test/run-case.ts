/**
 * Runs one case with its timeout, for the runners that have no per-test timeout of their own
 * (test/deno, test/browser; vitest has one). The timer is cleared so Deno's op sanitizer sees no
 * leak.
 */
import type { TestCase } from './harness.ts';

export const DEFAULT_TIMEOUT_MS = 60_000;

export async function runCase(testCase: TestCase): Promise<void> {
  const ms = testCase.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([Promise.resolve().then(testCase.fn), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
