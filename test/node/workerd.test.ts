// Node only: the workerd example (examples/workerd) in a real workerd. The test writes a pruned,
// deployed LeNet to a temporary folder, builds the example there (esbuild, from the package's
// dist/), starts `workerd serve` on a port of 127.0.0.1 it picks itself, and checks that
// POST /select gives exactly the selection Node computes for the same request and seed, and
// POST /infer the outputs tfjs gives in Node (within 1e-5 relative). workerd is stopped by its PID,
// whatever the outcome.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import {
  referenceModel, buildGraph, compactModel, fuseBatchNorm, exportModel, writeModelFiles,
  annealGroups, flopsModel, contrastSelection,
} from 'slimprune/internal';
import { randomizeWeights, randomMasks } from '../suites/random-models.ts';
import { testRng } from '../harness.ts';
import { buildWorkerdExample } from '../../examples/workerd/build.mjs';
import { startWorkerd, type RunningWorkerd } from '../../examples/workerd/serve.mjs';

/** The binary the `workerd` package installs (its main export), started directly: its PID is the server's. */
const WORKERD = (createRequire(import.meta.url)('workerd') as { default: string }).default;

let folder: string;
let server: RunningWorkerd | undefined;
let origin: string;

async function post(path: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${origin}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: response.status, json: await response.json() };
}

/** K networks' γ of LeNet's three layers, polarized as sparsity training leaves them: some near 0, the rest near 1. */
function polarizedGammas(widths: number[], networks: number, seed: number): number[][][] {
  const rng = testRng(seed);
  return Array.from({ length: networks }, () => widths.map((w) => Array.from({ length: w }, () =>
    rng() < 0.4 ? 0.002 + 0.04 * rng() : 0.6 + 0.5 * rng())));
}

describe('workerd example', () => {
  const lenet = referenceModel('mnist-lenet', { seed: 5 });
  const graph = buildGraph(lenet);

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'slimprune-workerd-'));
    await tf.setBackend('cpu');
    randomizeWeights(lenet, testRng(3));
    const { model: compact } = await compactModel(lenet, randomMasks(graph, testRng(4), 0.5), { graph });
    const { model: deployed } = await fuseBatchNorm(compact);
    await writeModelFiles(join(folder, 'model-deployed'), await exportModel(deployed));
    const built = await buildWorkerdExample({ out: join(folder, 'worker'), model: join(folder, 'model-deployed') });
    // startWorkerd stops the server itself if it never answers.
    server = await startWorkerd(WORKERD, built.config);
    origin = server.origin;
  }, 60_000);

  afterAll(async () => {
    if (server) await server.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('GET / shows that the library knows where it runs: workerd, without kernel threads', async () => {
    const about = await (await fetch(`${origin}/`)).json();
    expect(about).toEqual({ runtime: 'workerd', kernelThreads: false, routes: ['/select', '/infer'] });
  });

  it('POST /select gives the selection Node computes for the same γ and seed', async () => {
    const request = {
      gammas: polarizedGammas(graph.groups.map((g) => g.width), 3, 21),
      groups: annealGroups(graph, 'flops'),
      flops: flopsModel(graph),
      seed: 9, restarts: 3, cooling: 0.95,
    };
    const { status, json } = await post('/select', request);
    expect(status, JSON.stringify(json)).toBe(200);
    const { candidates, selection } = await contrastSelection(
      { seed: 9, restarts: 3, cooling: 0.95, alpha: 0.01, contrast: 'width', candidates: { source: 'histogram' }, movesPerTemperature: undefined },
      request.gammas.map((row) => row.map((g) => Float32Array.from(g, Math.abs))), request.groups, request.flops,
    );
    const k = selection.kStar;
    expect(json.network).toBe(k);
    expect(json.thresholds).toEqual(selection.thresholds[k]);
    expect(json.widths).toEqual(selection.widths[k]);
    expect(json.energy).toBe(selection.energy);
    expect(json.networks.map((n: { widths: number[] }) => n.widths)).toEqual(selection.widths);
    expect(json.networks.map((n: { contrast: number }) => n.contrast)).toEqual(selection.contrastPerNetwork);
    expect(json.candidates).toEqual(candidates.map((row) => row.map((c) => c.thresholds)));
    expect(json.restarts.map((r: { energy: number }) => r.energy)).toEqual(selection.restarts.map((r) => r.energy));
    // Something was pruned, and no layer lost every channel.
    expect(json.widths.some((w: number, l: number) => w < graph.groups[l]!.width)).toBe(true);
    expect(json.widths.every((w: number) => w >= 1)).toBe(true);
  }, 30_000);

  it('POST /infer gives the outputs tfjs gives in Node for the deployed model', async () => {
    const dir = join(folder, 'model-deployed');
    const manifest = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const weights = await readFile(join(dir, 'weights.bin'));
    const model = await loadLayersModel(tf.io.fromMemory({
      modelTopology: manifest.modelTopology,
      weightSpecs: manifest.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }));
    const rng = testRng(33);
    const shape = [3, 28, 28, 1];
    const data = Array.from({ length: 3 * 28 * 28 }, () => rng());
    const want = tf.tidy(() => (model.predict(tf.tensor(data, shape)) as tf.Tensor).dataSync());
    const { status, json } = await post('/infer', { shape, data });
    expect(status, JSON.stringify(json)).toBe(200);
    expect(json.shape).toEqual([3, 10]);
    expect(json.data).toHaveLength(want.length);
    json.data.forEach((v: number, i: number) => expect(Math.abs(v - want[i]!), `output ${i}: ${v} vs ${want[i]}`).toBeLessThanOrEqual(1e-5 * Math.abs(want[i]!) + 1e-7));
    model.dispose();
  }, 30_000);

  it('a request it cannot serve gets a 400 that says what to change', async () => {
    const { status, json } = await post('/select', { gammas: [[[0.5]]], groups: [], flops: {}, seed: 1 });
    expect(status).toBe(400);
    expect(json.error).toMatch(/K >= 2 networks/);
    // Caught by the annealing's own checks, which name the field.
    const mismatch = await post('/select', {
      gammas: [[[0.1, 0.9, 0.01]], [[0.8, 0.02, 0.7]]], groups: [{ width: 4, minChannels: 1, weight: 1 }],
      flops: { constant: 1, linear: [1], edges: [] }, seed: 1,
    });
    expect(mismatch.status, JSON.stringify(mismatch.json)).toBe(400);
    expect(mismatch.json.error).toMatch(/gammas\[0\]\[0\]/);
    const wrongShape = await post('/infer', { shape: [1, 5], data: [1, 2, 3, 4, 5] });
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.json.error).toMatch(/shape must be \[n, 28, 28, 1\]/);
  }, 30_000);
});
