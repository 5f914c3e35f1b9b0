/**
 * A runtime-neutral test harness: suites are plain data (named cases with async functions), so
 * the same suite runs under vitest in Node (test/node/), `deno test` (test/deno/) and in headless
 * Chromium (test/browser/). Assertions throw plain Errors with a message that says what differed.
 */
export interface TestCase {
  readonly name: string;
  readonly fn: () => void | Promise<void>;
  readonly timeoutMs?: number;
  /**
   * Why the case cannot run in this runtime, or undefined when it can: each runner asks before
   * the case would run and reports it as skipped with this reason, so that a missing feature
   * shows in the counts instead of as a pass.
   */
  readonly skip?: () => string | undefined;
}

export interface TestSuite {
  readonly name: string;
  readonly cases: readonly TestCase[];
}

export interface CaseOptions {
  readonly timeoutMs?: number;
  readonly skip?: () => string | undefined;
}

/** The third argument is the timeout in ms, or the case's options. */
export type Define = (name: string, fn: () => void | Promise<void>, options?: number | CaseOptions) => void;

export function suite(name: string, body: (test: Define) => void): TestSuite {
  const cases: TestCase[] = [];
  body((caseName, fn, options) => {
    const { timeoutMs, skip } = typeof options === 'number' ? { timeoutMs: options, skip: undefined } : (options ?? {});
    cases.push({ name: caseName, fn, timeoutMs, skip });
  });
  return { name, cases };
}

/** A declared skip: the case does not run where `unless()` is false, reported with `reason`. */
export function skip(reason: string, unless: () => boolean): () => string | undefined {
  return () => (unless() ? undefined : reason);
}

export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function assertEqual<T>(actual: T, expected: T, what = 'value'): void {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(`${what}: expected ${String(expected)}, got ${String(actual)}`);
  }
}

/**
 * Where two values first differ, or '' when they are equal: numbers by value (NaN equals NaN),
 * arrays and typed arrays element by element and of the same kind, Maps and Sets by their
 * entries, other objects of the same prototype key by key (a key holding undefined counts as
 * absent), anything else by identity.
 */
export function deepDifference(actual: unknown, expected: unknown, path = 'value'): string {
  if (typeof actual === 'number' && typeof expected === 'number') {
    return actual === expected || (Number.isNaN(actual) && Number.isNaN(expected)) ? '' : `${path}: expected ${expected}, got ${actual}`;
  }
  if (actual === expected) return '';
  const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'bigint' ? `${v}n` : String(v));
  if (typeof actual !== 'object' || typeof expected !== 'object' || actual === null || expected === null) {
    return `${path}: expected ${show(expected)}, got ${show(actual)}`;
  }
  const kind = (v: object) => (v.constructor as { name?: string } | undefined)?.name ?? 'object without prototype';
  if (Object.getPrototypeOf(actual) !== Object.getPrototypeOf(expected)) return `${path}: expected ${kind(expected)}, got ${kind(actual)}`;
  if (Array.isArray(expected) || ArrayBuffer.isView(expected)) {
    const a = actual as ArrayLike<unknown>, e = expected as ArrayLike<unknown>;
    if (a.length !== e.length) return `${path}: expected length ${e.length}, got ${a.length}`;
    for (let i = 0; i < e.length; i++) {
      const d = deepDifference(a[i], e[i], `${path}[${i}]`);
      if (d) return d;
    }
    return '';
  }
  if (expected instanceof Map || expected instanceof Set) {
    const a = [...(actual as Map<unknown, unknown> | Set<unknown>).entries()], e = [...expected.entries()];
    return deepDifference(a, e, `${path} entries`);
  }
  const keys = (v: object) => Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
  const ka = keys(actual), ke = keys(expected);
  const missing = ke.filter((k) => !ka.includes(k)), extra = ka.filter((k) => !ke.includes(k));
  if (missing.length || extra.length) return `${path}: keys differ (missing ${JSON.stringify(missing)}, unexpected ${JSON.stringify(extra)})`;
  for (const k of ke) {
    const d = deepDifference((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${path}.${k}`);
    if (d) return d;
  }
  return '';
}

export function assertDeepEqual(actual: unknown, expected: unknown, what = 'value'): void {
  const difference = deepDifference(actual, expected, what);
  if (difference) throw new AssertionError(difference);
}

export interface Tolerance {
  /** Relative tolerance against max(|expected|) scaled per element (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-6). */
  atol?: number;
}

/**
 * Elementwise |a − e| <= atol + rtol·scale, where scale is the largest |e| of the whole array:
 * sums of many products cancel, so a per-element relative test would flag near-zero results.
 */
export function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: Tolerance = {},
  what = 'array',
): void {
  const { rtol = 1e-5, atol = 1e-6 } = tolerance;
  if (actual.length !== expected.length) {
    throw new AssertionError(`${what}: length ${actual.length}, expected ${expected.length}`);
  }
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  const limit = atol + rtol * scale;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= limit)) {
      throw new AssertionError(
        `${what}: element ${i} is ${a}, expected ${e} (|diff| ${Math.abs(a - e)} > ${limit}; scale ${scale})`,
      );
    }
  }
}

export function assertBitEqual(actual: ArrayLike<number>, expected: ArrayLike<number>, what = 'array'): void {
  if (actual.length !== expected.length) {
    throw new AssertionError(`${what}: length ${actual.length}, expected ${expected.length}`);
  }
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      throw new AssertionError(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

export function assertThrows(fn: () => unknown, pattern: RegExp, what = 'call'): void {
  try {
    fn();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!pattern.test(message)) {
      throw new AssertionError(`${what} threw "${message}", which does not match ${pattern}`);
    }
    return;
  }
  throw new AssertionError(`${what} did not throw (expected an error matching ${pattern})`);
}

export async function assertRejects(fn: () => Promise<unknown>, pattern: RegExp, what = 'call'): Promise<void> {
  try {
    await fn();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!pattern.test(message)) {
      throw new AssertionError(`${what} rejected with "${message}", which does not match ${pattern}`);
    }
    return;
  }
  throw new AssertionError(`${what} did not reject (expected an error matching ${pattern})`);
}

/** A small seeded PRNG for test data (mulberry32), identical in every runtime. */
export function testRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomArray(length: number, rng: () => number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = lo + (hi - lo) * rng();
  return out;
}
