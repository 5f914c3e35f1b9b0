/**
 * Per-channel normalisation, x = (pixel/255 − mean[c]) / std[c], the convention of PyTorch's
 * ToTensor + Normalize (mean and std on the 0..1 scale), so published constants can be given as
 * they are. Applied through a 256-entry table per channel, computed in double precision and
 * rounded to float32 once: the same bytes give the same floats in every runtime.
 */
import type { ImageSet } from './image-set.ts';
import { isStreamedImageSet, type AnyImageSet, type StreamedImageSet } from './streamed-set.ts';

export interface Normalization {
  /** Per channel, on the 0..1 pixel scale. */
  readonly mean: readonly number[];
  /** Per channel, on the 0..1 pixel scale; positive. */
  readonly std: readonly number[];
}

/** Pixels scaled to 0..1 and nothing else. */
export function unitNormalization(channels: number): Normalization {
  return { mean: new Array<number>(channels).fill(0), std: new Array<number>(channels).fill(1) };
}

export function checkNormalization(normalization: Normalization, channels: number, where = 'normalization'): void {
  const { mean, std } = normalization;
  if (mean.length !== channels || std.length !== channels) {
    throw new Error(`${where}: ${mean.length} means and ${std.length} stds for ${channels} channels; give one of each per channel`);
  }
  for (let c = 0; c < channels; c++) {
    if (!Number.isFinite(mean[c]!)) throw new Error(`${where}: mean[${c}] is ${mean[c]}; it must be finite`);
    if (!(std[c]! > 0) || !Number.isFinite(std[c]!)) throw new Error(`${where}: std[${c}] is ${std[c]}; it must be finite and positive`);
  }
}

/**
 * Mean and (population) standard deviation of each channel over the images `indices` of `set`
 * (all of them by default): compute them on the training set only, and use them for both sets.
 * Counted through a per-channel histogram of byte values, so the sums are exact integers and the
 * result is the same in every runtime. A streamed set is decoded once, in chunks, so it resolves
 * to the result instead of returning it.
 */
export function channelStats(set: ImageSet, indices?: Int32Array): Normalization;
export function channelStats(set: StreamedImageSet, indices?: Int32Array): Promise<Normalization>;
export function channelStats(set: AnyImageSet, indices?: Int32Array): Normalization | Promise<Normalization>;
export function channelStats(set: AnyImageSet, indices?: Int32Array): Normalization | Promise<Normalization> {
  const chosen = indices ?? Int32Array.from({ length: set.count }, (_, i) => i);
  for (const i of chosen) {
    if (!(i >= 0 && i < set.count)) throw new Error(`channelStats(${set.name}): index ${i} is not an image of the set (0..${set.count - 1})`);
  }
  const histogram = new Float64Array(256 * set.channels);
  if (!isStreamedImageSet(set)) {
    const perImage = set.height * set.width * set.channels;
    for (const i of chosen) countBytes(histogram, set.pixels.subarray(i * perImage, (i + 1) * perImage), set.channels);
    return statsOf(histogram, set.channels, set.name);
  }
  return streamedStats(set, chosen, histogram);
}

/** Images decoded at a time: 256 CIFAR-sized images are 786 kB. */
const STATS_CHUNK = 256;

async function streamedStats(set: StreamedImageSet, indices: Int32Array, histogram: Float64Array): Promise<Normalization> {
  const perImage = set.height * set.width * set.channels;
  const buffer = new Uint8Array(Math.min(STATS_CHUNK, indices.length) * perImage);
  for (let start = 0; start < indices.length; start += STATS_CHUNK) {
    const chunk = indices.subarray(start, start + STATS_CHUNK);
    await set.readImages(chunk, buffer);
    countBytes(histogram, buffer.subarray(0, chunk.length * perImage), set.channels);
  }
  return statsOf(histogram, set.channels, set.name);
}

function countBytes(histogram: Float64Array, pixels: Uint8Array, channels: number): void {
  for (let o = 0; o < pixels.length; o += channels) {
    for (let c = 0; c < channels; c++) histogram[c * 256 + pixels[o + c]!]!++;
  }
}

function statsOf(histogram: Float64Array, channels: number, name: string): Normalization {
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < channels; c++) {
    let n = 0;
    let sum = 0;
    for (let v = 0; v < 256; v++) {
      n += histogram[c * 256 + v]!;
      sum += v * histogram[c * 256 + v]!;
    }
    if (n === 0) throw new Error(`channelStats(${name}): no images to measure`);
    const m = sum / n;
    let squares = 0;
    for (let v = 0; v < 256; v++) squares += histogram[c * 256 + v]! * (v - m) * (v - m);
    mean.push(m / 255);
    // A constant channel would divide by zero; 1 leaves it merely centred.
    std.push(Math.sqrt(squares / n) / 255 || 1);
  }
  return { mean, std };
}

/** table[c·256 + v] = (v/255 − mean[c]) / std[c] as float32. */
export function normalizationTable(normalization: Normalization, channels: number): Float32Array {
  checkNormalization(normalization, channels);
  const table = new Float32Array(256 * channels);
  for (let c = 0; c < channels; c++) {
    const mean = normalization.mean[c]!;
    const std = normalization.std[c]!;
    for (let v = 0; v < 256; v++) table[c * 256 + v] = (v / 255 - mean) / std;
  }
  return table;
}
