// Node-only: a folder of images on disk, read by loadImageFolder through the platform's listing —
// real files, a test folder, links inside and outside the root, and the bad folders a user meets
// (a corrupt JPEG, an empty class folder, a missing root), each refused naming the file.
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadImageFolder, channelStats, StreamBatcher, Batcher, DataError } from 'slimprune/internal';
import { jpegFile, pngFile, randomPixels } from '../suites/image-files.ts';

let dir: string;

async function writeImages(root: string, classes: Record<string, number>, seed: number): Promise<void> {
  for (const [name, count] of Object.entries(classes)) {
    await mkdir(join(root, name), { recursive: true });
    for (let i = 0; i < count; i++) {
      const rgb = randomPixels(8 * 8 * 3, seed + i);
      const bytes = i % 2 ? jpegFile(8, 8, rgb) : pngFile(8, 8, 3, rgb);
      await writeFile(join(root, name, `${i}.${i % 2 ? 'jpg' : 'png'}`), bytes);
    }
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slimprune-folder-'));
  await writeImages(join(dir, 'train'), { cat: 6, dog: 5 }, 1);
  await writeImages(join(dir, 'test'), { cat: 2, dog: 3 }, 100);
  await writeFile(join(dir, 'train', 'cat', '.DS_Store'), 'metadata');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadImageFolder', () => {
  it('reads root/<class>/<image> with a test folder, in memory and streamed alike', async () => {
    const root = join(dir, 'train');
    const folder = await loadImageFolder(root, { testFolder: join(dir, 'test') });
    expect(folder.classNames).toEqual(['cat', 'dog']);
    expect([folder.train.count, folder.test.count, folder.train.height, folder.train.channels]).toEqual([11, 5, 8, 3]);
    expect(Array.from(folder.train.labels)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(folder.root).toBe(root);
    expect(folder.testRoot).toBe(join(dir, 'test'));
    const streamed = await loadImageFolder(root, { testFolder: join(dir, 'test'), stream: true });
    expect(streamed.train.files[1]).toBe(join(root, 'cat', '1.jpg'));
    expect(await channelStats(streamed.train)).toEqual(channelStats(folder.train));
    const options = { batchSize: 4, seed: 3, augment: true };
    const expected = Array.from(new Batcher(folder.train, undefined, options).epoch(0), (b) => b.x.slice());
    const actual: Float32Array[] = [];
    for await (const b of new StreamBatcher(streamed.train, undefined, options).epoch(0)) actual.push(b.x.slice());
    expect(actual).toEqual(expected);
  });

  it('holds out a seeded fraction per class without a test folder', async () => {
    const folder = await loadImageFolder(join(dir, 'train'), { validationFraction: 0.4, seed: 5, height: 4, width: 4 });
    // round(0.4·6) = 2 cats, round(0.4·5) = 2 dogs.
    expect(Array.from(folder.test.labels)).toEqual([0, 0, 1, 1]);
    expect(folder.train.height).toBe(4);
  });

  it('follows links inside the root, refuses links out of it', async () => {
    const root = join(dir, 'linked');
    await writeImages(root, { a: 2, b: 2 }, 7);
    await symlink(join(root, 'a', '0.png'), join(root, 'b', 'copy.png'));
    expect((await loadImageFolder(root, { validationFraction: 0 })).train.count).toBe(5);
    await symlink(join(dir, 'test', 'cat', '0.png'), join(root, 'a', 'outside.png'));
    await expect(loadImageFolder(root)).rejects.toThrow(
      `${join(root, 'a', 'outside.png')}: is a link to a place outside the folder (or to nothing); copy what it links to into the folder, or remove it`);
  });

  it('refuses a corrupt JPEG, an empty class folder and a missing root, naming them', async () => {
    const root = join(dir, 'bad');
    await writeImages(root, { a: 2, b: 2 }, 9);
    const jpeg = jpegFile(8, 8, randomPixels(192, 1));
    await writeFile(join(root, 'a', 'cut.jpg'), jpeg.subarray(0, Math.floor(jpeg.length * 0.7)));
    const error = await loadImageFolder(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toMatch(new RegExp(`^${join(root, 'a', 'cut.jpg')}: could not be decoded as JPEG \\(.+\\); the file is truncated or damaged`));
    await rm(join(root, 'a', 'cut.jpg'));
    await expect(loadImageFolder(join(dir, 'train'), { testFolder: root })).rejects.toThrow(
      `${root}: must have the class folders of ${join(dir, 'train')}; missing: cat, dog; not in ${join(dir, 'train')}: a, b`);
    await mkdir(join(root, 'empty'));
    await expect(loadImageFolder(root)).rejects.toThrow(`${join(root, 'empty')}/: is a class folder with no images; add its images or remove it`);
    await expect(loadImageFolder(join(dir, 'nowhere'))).rejects.toThrow(`${join(dir, 'nowhere')}: is not a folder; pass the folder whose sub-folders are the classes`);
  });
});
