/**
 * Bilinear resizing of one HWC image, per channel, with half-pixel centres and corners not
 * aligned: output pixel (y, x) samples the input at ((y + ½)·inH/outH − ½, (x + ½)·inW/outW − ½),
 * clamped to the image — tf.image.resizeBilinear(…, alignCorners = false, halfPixelCenters = true),
 * the convention of Keras's image_dataset_from_directory and of PIL and OpenCV for upsampling.
 * The arithmetic follows tfjs-backend-cpu's kernel step for step (interpolate along x on both
 * rows, then along y), so the floats are its floats; the test holds it to that oracle.
 *
 * Like those resizers, this does not low-pass before shrinking: shrinking by more than 2× drops
 * detail between the sample points (aliasing), as Keras's default does.
 */

/** One axis's sample positions: for each output index, the two input indices and the weight of the second. */
function samplePositions(inSize: number, outSize: number): { lo: Int32Array; hi: Int32Array; frac: Float64Array } {
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const frac = new Float64Array(outSize);
  const ratio = inSize / outSize;
  for (let i = 0; i < outSize; i++) {
    const source = ratio * (i + 0.5) - 0.5;
    lo[i] = Math.max(0, Math.floor(source));
    hi[i] = Math.min(inSize - 1, Math.ceil(source));
    // Before the first centre the weight is negative, but lo = hi there, so it has no effect.
    frac[i] = source - lo[i]!;
  }
  return { lo, hi, frac };
}

/** The resized image as floats (outH·outW·channels), the values tfjs's kernel gives. */
export function resizeBilinear(
  src: ArrayLike<number>, inH: number, inW: number, channels: number, outH: number, outW: number,
): Float32Array {
  const rows = samplePositions(inH, outH);
  const cols = samplePositions(inW, outW);
  const out = new Float32Array(outH * outW * channels);
  let o = 0;
  for (let y = 0; y < outH; y++) {
    const top = rows.lo[y]! * inW * channels;
    const bottom = rows.hi[y]! * inW * channels;
    const fy = rows.frac[y]!;
    for (let x = 0; x < outW; x++) {
      const left = cols.lo[x]! * channels;
      const right = cols.hi[x]! * channels;
      const fx = cols.frac[x]!;
      for (let c = 0; c < channels; c++) {
        const topValue = src[top + left + c]! + (src[top + right + c]! - src[top + left + c]!) * fx;
        const bottomValue = src[bottom + left + c]! + (src[bottom + right + c]! - src[bottom + left + c]!) * fx;
        out[o++] = topValue + (bottomValue - topValue) * fy;
      }
    }
  }
  return out;
}

/**
 * The resized image as bytes, written into out[offset …]: each float rounded to the nearest
 * integer (halves up) and clamped to 0..255, since sets keep bytes (image-set.ts).
 */
export function resizeBilinearBytes(
  src: Uint8Array, inH: number, inW: number, channels: number, outH: number, outW: number, out: Uint8Array, offset: number,
): void {
  const values = resizeBilinear(src, inH, inW, channels, outH, outW);
  for (let i = 0; i < values.length; i++) out[offset + i] = Math.min(255, Math.max(0, Math.round(values[i]!)));
}
