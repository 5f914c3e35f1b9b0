/**
 * CIFAR augmentation (METHOD.md §10): pad each image by `pad` pixels, take a random crop of the
 * original size, and flip it horizontally with probability ½.
 *
 * Padding value, our choice: black pixels (byte 0) *before* normalisation, i.e. −mean[c]/std[c]
 * after it. That is what the baselines' own code does — Network Slimming's main.py
 * (github.com/Eric-mingjie/network-slimming) and the torchvision recipe it follows apply
 * Pad(4) / RandomCrop(32, padding=4) to the image before ToTensor + Normalize. Padding the
 * normalised tensor with zeros instead (fb.resnet.torch's order: the channel mean) is available
 * as `padValue: 'mean'`.
 */
export interface AugmentOptions {
  /** Pixels of padding on each side (default 4); 0 disables cropping. */
  pad?: number;
  /** Flip horizontally with probability ½ (default true). */
  flip?: boolean;
  /** 'black' (default): pad with byte 0 before normalising; 'mean': pad with 0 after it. */
  padValue?: 'black' | 'mean';
}

/** Where one augmented image comes from: crop offset (dy, dx) in −pad..pad, and the flip. */
export interface Crop {
  dy: number;
  dx: number;
  flip: boolean;
}

/**
 * Writes one augmented, normalised image into out[outOffset …]:
 *   out(y, x, c) = table[c·256 + src(y + dy, x' + dx, c)], x' = flip ? width − 1 − x : x,
 * and fill[c] where (y + dy, x' + dx) falls outside the image (torchvision's order: crop, then
 * flip the crop). `src` is one NHWC image from srcOffset.
 */
export function cropFlipInto(
  src: Uint8Array,
  srcOffset: number,
  height: number,
  width: number,
  channels: number,
  table: Float32Array,
  fill: Float32Array,
  crop: Crop,
  out: Float32Array,
  outOffset: number,
): void {
  const { dy, dx, flip } = crop;
  let o = outOffset;
  for (let y = 0; y < height; y++) {
    const sy = y + dy;
    if (sy < 0 || sy >= height) {
      for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) out[o++] = fill[c]!;
      continue;
    }
    const row = srcOffset + sy * width * channels;
    for (let x = 0; x < width; x++) {
      const sx = (flip ? width - 1 - x : x) + dx;
      if (sx < 0 || sx >= width) {
        for (let c = 0; c < channels; c++) out[o++] = fill[c]!;
      } else {
        const s = row + sx * channels;
        for (let c = 0; c < channels; c++) out[o++] = table[c * 256 + src[s + c]!]!;
      }
    }
  }
}
