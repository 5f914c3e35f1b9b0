// Node only: a process that uses a worker pool (or kernel threads) ends on its own. A child Node process creates a
// pool from the built bundle, runs jobs (one crashes and is retried, one is cancelled), closes
// the pool and then simply returns: no worker, port, timer or listener may keep it alive.
import { spawn } from 'node:child_process';
import { describe, it, expect } from 'vitest';

const bundle = new URL('../../dist/internal.js', import.meta.url).href;

/** Runs an ES module script in a child Node; resolves with its exit code, output and duration. */
function runChild(script: string, limitMs: number): Promise<{ code: number | null; output: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, output, ms: performance.now() - started });
    });
  });
}

const jobs = `
const problem = {
  networks: 2, groups: [{ width: 8, minChannels: 1, weight: 1 }], mode: 'width', alpha: 0.01,
  gammas: [[Float32Array.from({ length: 8 }, (_, i) => i / 8)], [Float32Array.from({ length: 8 }, (_, i) => 1 - i / 8)]],
  candidates: [[[0.1, 0.3, 0.5]], [[0.2, 0.4]]],
  flops: { constant: 1, linear: [1], edges: [] },
};
const result = await pool.run({ type: 'anneal', problem, options: { seed: 1, start: new Int32Array(2), cooling: 0.8 } });
const retried = await pool.run({ type: 'fault', fault: 'crash', failAttempts: 1, progressEvents: 2 }, { onProgress: () => {} });
const controller = new AbortController();
const cancelled = pool.run({ type: 'fault', fault: 'hang' }, { signal: controller.signal }).catch((e) => e.name);
setTimeout(() => controller.abort(), 50);
console.log('energy', Number.isFinite(result.energy), 'attempt', retried.attempt, 'cancelled', await cancelled);
`;

describe('pool (Node process)', () => {
  it('a process that closes its pool exits on its own within seconds', async () => {
    const script = `
      import { createPool } from ${JSON.stringify(bundle)};
      const pool = createPool({ size: 2, timeoutMs: 20000 });
      ${jobs}
      await pool.close();
      console.log('closed');
    `;
    const { code, output, ms } = await runChild(script, 20_000);
    expect(output).toContain('energy true attempt 1 cancelled AbortError');
    expect(output).toContain('closed');
    expect(code, output).toBe(0);
    // Node's start and the bundle's load take most of this; a leaked handle would hit the limit.
    expect(ms).toBeLessThan(8_000);
  }, 30_000);

  it('idle workers do not keep a process alive even without close()', async () => {
    const script = `
      import { createPool } from ${JSON.stringify(bundle)};
      const pool = createPool({ size: 2 });
      ${jobs}
      console.log('returning without close');
    `;
    const { code, output, ms } = await runChild(script, 20_000);
    expect(output).toContain('returning without close');
    expect(code, output).toBe(0);
    expect(ms).toBeLessThan(8_000);
  }, 30_000);

  it('kernel threads start under --input-type=module, and a process that leaves them on exits on its own', async () => {
    const script = `
      import { setKernelThreads, kernelThreads, initKernels, conv2dGeometry, conv2d } from ${JSON.stringify(bundle)};
      await setKernelThreads(2, { minParallelWork: 0 });
      const g = conv2dGeometry([4, 12, 12, 8], [3, 3, 8, 16], { padding: 'same' });
      const y = conv2d(g, new Float32Array(4 * 12 * 12 * 8).fill(1), new Float32Array(3 * 3 * 8 * 16).fill(0.5));
      console.log('threads', kernelThreads(), 'centre', y[((1 * 12 + 5) * 12 + 5) * 16]);
    `;
    const { code, output, ms } = await runChild(script, 20_000);
    // 9 taps × 8 channels × 1 × 0.5 at an inner pixel.
    expect(output).toContain('threads 2 centre 36');
    expect(code, output).toBe(0);
    expect(ms).toBeLessThan(8_000);
  }, 30_000);
});
