// Node-only: training checkpoints on disk. A fit writes its checkpoint atomically (no temporary
// file left, the previous file replaced whole), loadCheckpoint reads back exactly what was saved,
// a resume from the file continues bit-identically, and a failed write leaves nothing behind.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { train, saveCheckpoint, loadCheckpoint, encodeCheckpoint, type TrainRecipe, type TrainingCheckpoint } from 'slimprune/internal';
import { useTfjsBackend } from '../tfjs.ts';
import { tinyNet, syntheticSet, SyntheticSource, weightValues } from '../suites/train-fixtures.ts';

const recipe: TrainRecipe = {
  epochs: 3, optimizer: { kind: 'sgd', learningRate: 0.05, momentum: 0.9 }, weightDecay: 5e-4,
  regularizer: { kind: 'polarization', lambda: 2e-3, t: 1.2 },
};

describe('training checkpoints on disk', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slimprune-train-'));
    await useTfjsBackend('wasm');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the checkpoint atomically each epoch and resumes from the file bit-identically', async () => {
    const set = syntheticSet(40, 11);
    const path = join(dir, 'run.ckpt');
    await writeFile(path, 'an older file, replaced whole');
    const straightModel = tinyNet(12);
    await train(straightModel, new SyntheticSource(set, 16, 3), recipe, { backend: 'wasm' });

    const firstModel = tinyNet(12);
    const written: TrainingCheckpoint[] = [];
    await train(firstModel, new SyntheticSource(set, 16, 3), recipe, {
      backend: 'wasm', untilEpoch: 2, checkpointPath: path, onCheckpoint: (c) => void written.push(c),
    });
    expect(written.map((c) => c.epoch)).toEqual([1, 2]);
    expect(await readdir(dir)).toEqual(['run.ckpt']);
    const loaded = await loadCheckpoint(path);
    expect(encodeCheckpoint(loaded)).toEqual(encodeCheckpoint(written[1]!));

    const resumedModel = tinyNet(13);
    await train(resumedModel, new SyntheticSource(set, 16, 3), loaded.recipe, { backend: 'wasm', resume: loaded });
    const a = weightValues(straightModel);
    weightValues(resumedModel).forEach((w, i) => expect(Buffer.from(w.buffer)).toEqual(Buffer.from(a[i]!.buffer)));
    for (const m of [straightModel, firstModel, resumedModel]) m.dispose();
  });

  it('a failed write leaves no file behind', async () => {
    const checkpoint = await loadCheckpoint(join(dir, 'run.ckpt'));
    await expect(saveCheckpoint(join(dir, 'no-such-folder', 'run.ckpt'), checkpoint)).rejects.toThrow(/ENOENT/);
    // The temporary file is written, then the rename onto a folder fails: the temporary goes.
    await mkdir(join(dir, 'taken'));
    await writeFile(join(dir, 'taken', 'x'), '');
    await expect(saveCheckpoint(join(dir, 'taken'), checkpoint)).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['run.ckpt', 'taken']);
    await expect(loadCheckpoint(join(dir, 'absent.ckpt'))).rejects.toThrow(/ENOENT/);
  });
});
