/**
 * Intra-op threads for the convolution kernels: one network's convolutions (and the dense
 * layers' products, which run on the same kernels) on several cores.
 *
 * `setKernelThreads(n)` with n >= 2 loads the threads build of the kernels (the simd build over a
 * shared WebAssembly.Memory), makes it this thread's kernels, and starts n − 1 helper threads that
 * instantiate the same module over the same memory. A large GEMM is then split by rows: each
 * thread computes a contiguous range of output rows (the forward pass and the input gradient) or
 * of accumulator rows (the filter gradient); large element-wise kernels (BatchNorm's
 * normalization, the max-pool gradient, the momentum update) by rows, images or elements. Every
 * row is computed by the same operations in the same order whichever thread computes it, so the
 * results have the bits of one thread (tested): training with threads gives the same network.
 * BatchNorm's moments and gradient stay in one thread: they can only be split by channels, and
 * then the threads' per-row accumulator updates would share cache lines.
 *
 * The helpers wait on a control block in the shared memory (Atomics.wait) and the calling thread
 * hands out work and waits for it the same way; nothing goes through postMessage per call. A
 * browser page may not block its main thread, so there the caller spins instead, and shared
 * memory needs a cross-origin isolated page (COOP/COEP headers). Off by default: the method's K
 * trainings already use one core each.
 */
import {
  initKernels, installKernelInstance, kernels, instantiateKernels, compileThreadKernels, type KernelInstance,
} from './loader.ts';
import { alignUp } from './arena.ts';
import { env } from '../env.ts';
import { startScriptThread, scriptThreadsAvailable } from '../platform/script-thread.ts';

/** The partitioned kernels a helper can run, by index in the control block. */
const FUNCTIONS = [
  'igemm_rows_f32', 'filter_grad_rows_f32', 'batch_norm_rows_f32', 'max_pool_backprop_batch_f32', 'momentum_update_range_f32',
] as const;
export type PartitionedKernel = (typeof FUNCTIONS)[number];

// Control block per helper: 8 i32 (32 bytes): 0 sequence (the caller bumps it to hand out a job),
// 1 function index (−1: quit), 2 args pointer, 3 first row, 4 end row, 5 sequence done (the
// helper's answer), 6 failed (1 if the kernel threw), 7 unused. Then the helper's 64-byte scratch
// (assembly/thread_scratch.ts).
const SLOT_BYTES = 96;
/**
 * Below this much work (multiply-adds, or elements touched) a kernel runs in the calling thread:
 * handing out a job and waiting for it costs tens of microseconds, and the element-wise kernels
 * are bound by memory. On a LeNet-5 training step (batch 64) splitting its BatchNorm
 * normalization, max-pool gradient and momentum updates too (0.4–0.7 M elements each) was slower
 * than splitting the convolutions alone (`node bench/train-task.mjs --task mnist-lenet --split
 * 4194304,262144`, BENCHMARKS.md), so those stay whole at that size.
 */
const MIN_PARALLEL_WORK = 1 << 20;
/** Polls of a flag before a thread sleeps on it (tens of microseconds). */
const SPIN_ITERATIONS = 20000;
/** Pages of the shared memory at most (1 GiB): a shared memory must declare its maximum. */
const MAXIMUM_PAGES = 16384;

interface Helper {
  readonly slot: Int32Array;
  terminate(): void;
}

interface Pool {
  readonly instance: KernelInstance;
  readonly helpers: readonly Helper[];
  readonly canBlock: boolean;
  readonly minParallelWork: number;
  sequence: number;
}

export interface KernelThreadsOptions {
  /**
   * Below this much work (multiply-adds, or elements touched) a kernel call runs in the calling
   * thread alone (default 1,048,576: handing out a job and waiting for it costs tens of
   * microseconds, and element-wise kernels are bound by memory). Tests set 0 to split every call.
   */
  readonly minParallelWork?: number;
}

let pool: Pool | undefined;

/** How many threads the convolution kernels use in this thread (1: no helpers). */
export function kernelThreads(): number {
  return pool && kernelsAreOurs(pool) ? pool.helpers.length + 1 : 1;
}

function kernelsAreOurs(p: Pool): boolean {
  try {
    return kernels() === p.instance;
  } catch {
    return false;
  }
}

/** Whether this runtime can start threads and share a WebAssembly memory with them. */
export function kernelThreadsSupported(): boolean {
  if (!scriptThreadsAvailable()) return false;
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Uses `count` threads (this one and count − 1 helpers) for the convolution kernels of this
 * thread; 1 stops the helpers and goes back to the default kernels. Call it before training, not
 * while kernels run.
 */
export async function setKernelThreads(count: number, options: KernelThreadsOptions = {}): Promise<void> {
  if (!Number.isInteger(count) || count < 1 || count > 64) {
    throw new RangeError(`setKernelThreads: count must be a whole number from 1 to 64, got ${count}`);
  }
  const minParallelWork = options.minParallelWork ?? MIN_PARALLEL_WORK;
  if (!(minParallelWork >= 0)) {
    throw new RangeError(`setKernelThreads: minParallelWork must be a number >= 0, got ${minParallelWork}`);
  }
  stopHelpers();
  if (count === 1) {
    await initKernels();
    return;
  }
  if (!kernelThreadsSupported()) {
    throw new Error(
      'slimprune kernel threads need threads (worker_threads or Web Workers) and a shared WebAssembly memory (SharedArrayBuffer), which this ' +
        (env.IS_BROWSER
          ? 'page does not have: serve it cross-origin isolated (Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)'
          : `runtime (${env.runtime}) does not provide`) + ', or keep one thread',
    );
  }
  const module = await compileThreadKernels();
  const memory = new WebAssembly.Memory({ initial: 2, maximum: MAXIMUM_PAGES, shared: true });
  const helperCount = count - 1;
  // The helpers' slots sit right after the static data (16-byte aligned), before the arena.
  const reserved = 15 + helperCount * SLOT_BYTES;
  const instance = instantiateKernels(module, 'threads', { memory, reserved, maximumPages: MAXIMUM_PAGES });
  const slotsAt = alignUp(instance.exports.heap_base(), 16);
  const started = await Promise.allSettled(
    Array.from({ length: helperCount }, (_, i) => startHelper(module, memory, slotsAt + i * SLOT_BYTES)),
  );
  const helpers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    // Nothing half-started stays behind.
    for (const helper of helpers) helper.terminate();
    throw failure.reason;
  }
  pool = { instance, helpers, canBlock: canBlockHere(), minParallelWork, sequence: 0 };
  installKernelInstance(instance);
}

/**
 * Runs `body` with `count` kernel threads where this runtime can share memory (else as it is),
 * then goes back to the threads there were before, also when `body` throws.
 */
export async function withKernelThreads<T>(count: number, body: () => Promise<T>): Promise<T> {
  const before = kernelThreads();
  if (count === before || (count > 1 && !kernelThreadsSupported())) return body();
  await setKernelThreads(count);
  try {
    return await body();
  } finally {
    await setKernelThreads(before);
  }
}

function stopHelpers(): void {
  if (!pool) return;
  for (const helper of pool.helpers) {
    helper.slot[1] = -1;
    Atomics.add(helper.slot, 0, 1);
    Atomics.notify(helper.slot, 0);
    helper.terminate();
  }
  if (kernelsAreOurs(pool)) installKernelInstance(undefined);
  pool = undefined;
}

/**
 * Runs rows [0, total) of a partitioned kernel over its args: split between the threads when
 * `k` is the threads' instance and `work` (its size in multiply-adds or elements) is worth it, in
 * chunks that are multiples of `align`; else in this thread.
 */
export function runRows(k: KernelInstance, fn: PartitionedKernel, args: number, total: number, align: number, work: number): void {
  const p = pool;
  if (!p || p.instance !== k || total < 2 * align || work < p.minParallelWork) {
    k.exports[fn](args, 0, total);
    return;
  }
  const threads = p.helpers.length + 1;
  const chunk = Math.ceil(total / threads / align) * align;
  const sequence = ++p.sequence;
  const index = FUNCTIONS.indexOf(fn);
  const busy: Helper[] = [];
  p.helpers.forEach((helper, i) => {
    const r0 = (i + 1) * chunk;
    if (r0 >= total) return;
    const slot = helper.slot;
    slot[1] = index;
    slot[2] = args;
    slot[3] = r0;
    slot[4] = Math.min(total, r0 + chunk);
    slot[6] = 0;
    Atomics.store(slot, 0, sequence);
    Atomics.notify(slot, 0);
    busy.push(helper);
  });
  k.exports[fn](args, 0, Math.min(chunk, total));
  let failed = false;
  for (const helper of busy) {
    for (let spin = 0; ; spin++) {
      const done = Atomics.load(helper.slot, 5);
      if (done === sequence) break;
      if (p.canBlock && spin >= SPIN_ITERATIONS) Atomics.wait(helper.slot, 5, done, 1000);
    }
    failed ||= helper.slot[6] !== 0;
  }
  if (failed) throw new Error(`slimprune kernel thread failed in ${fn}; setKernelThreads(1) runs the kernels in this thread only`);
}

/** Browsers forbid Atomics.wait on a page's main thread; workers, Node and Deno allow it. */
function canBlockHere(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The helper's whole program. It must be a plain script with no imports, started from a string
 * (src/platform/script-thread.ts): a helper starts in Node, Deno and browsers from inside
 * whatever bundle holds the library, where no module file of ours need resolve from
 * import.meta.url, and the one that does (the pool's worker.js) loads tfjs, which a helper has no
 * use for. So it cannot import the loader: it receives the module compiled by the loader
 * (compileThreadKernels), instantiates it with the two imports instantiateKernels gives the
 * threads build (the shared memory, an abort), and serves its slot.
 */
const HELPER_SOURCE = `
const SPIN = ${SPIN_ITERATIONS};
const serve = ({ module, memory, slotAt, functions }, ready) => {
  const exports = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('kernel assertion failed'); } } }).exports;
  exports.set_thread_scratch(slotAt + 32);
  const slot = new Int32Array(memory.buffer, slotAt, 8);
  ready();
  let seen = 0;
  for (;;) {
    // Spin a little before sleeping: within a training step the next job follows in well under a
    // millisecond, and waking a sleeping thread costs about as much as a small job.
    for (let spin = 0; spin < SPIN && Atomics.load(slot, 0) === seen; spin++);
    Atomics.wait(slot, 0, seen);
    const sequence = Atomics.load(slot, 0);
    if (sequence === seen) continue;
    seen = sequence;
    const fn = slot[1];
    if (fn < 0) return;
    try { exports[functions[fn]](slot[2], slot[3], slot[4]); } catch (e) { slot[6] = 1; }
    Atomics.store(slot, 5, sequence);
    Atomics.notify(slot, 5);
  }
};
`;

async function startHelper(module: WebAssembly.Module, memory: WebAssembly.Memory, slotAt: number): Promise<Helper> {
  const slot = new Int32Array(memory.buffer, slotAt, 8);
  slot.fill(0);
  const thread = await startScriptThread(HELPER_SOURCE, { module, memory, slotAt, functions: [...FUNCTIONS] });
  return { slot, terminate: () => thread.terminate() };
}
