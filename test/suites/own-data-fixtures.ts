// A model and image folder of a user's own, for the tests of pruning beyond the reference tasks:
// a functional network with a residual Add, a DepthwiseConv2D and a Concatenate, and a folder of
// real PNG and JPEG files whose classes are learnable (each class has its own colour and stripe).
import * as tfl from '@tensorflow/tfjs-layers';
import { Xoshiro128 } from 'slimprune/internal';
import { jpegFile, pngFile } from './image-files.ts';

export const OWN_IMAGE = [16, 16, 3] as const;
export const OWN_CLASSES = ['circles', 'squares', 'stripes'] as const;

const glorot = (seed: number) => tfl.initializers.glorotUniform({ seed });
const bn = (name: string) => tfl.layers.batchNormalization({ name });

/**
 * stem conv (8) → BN → ReLU ─┬─ depthwise 3×3 → BN → ReLU → conv 1×1 (8) → BN ─ Add ─ ReLU
 *                            └──────────────────────────────────────────────────┘
 * → two branches conv (4) and conv (6), each BN + ReLU → Concatenate (10) → max-pool →
 * global average pool → dense (classes).
 */
export function ownModel(seed = 7, classes: number = OWN_CLASSES.length, channels: number = OWN_IMAGE[2]): tfl.LayersModel {
  const input = tfl.input({ shape: [OWN_IMAGE[0], OWN_IMAGE[1], channels], name: 'image' });
  const conv = (name: string, filters: number, kernelSize: number, s: number) =>
    tfl.layers.conv2d({ name, filters, kernelSize, padding: 'same', useBias: false, kernelInitializer: glorot(s) });
  const relu = (name: string) => tfl.layers.activation({ name, activation: 'relu' });
  const stem = relu('stem_relu').apply(bn('stem_bn').apply(conv('stem', 8, 3, seed).apply(input))) as tfl.SymbolicTensor;
  const dw = tfl.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, padding: 'same', useBias: false, depthwiseInitializer: glorot(seed + 1) });
  const mid = relu('dw_relu').apply(bn('dw_bn').apply(dw.apply(stem))) as tfl.SymbolicTensor;
  const project = bn('project_bn').apply(conv('project', 8, 1, seed + 2).apply(mid)) as tfl.SymbolicTensor;
  const block = relu('add_relu').apply(tfl.layers.add({ name: 'add' }).apply([stem, project])) as tfl.SymbolicTensor;
  const left = relu('left_relu').apply(bn('left_bn').apply(conv('left', 4, 3, seed + 3).apply(block))) as tfl.SymbolicTensor;
  const right = relu('right_relu').apply(bn('right_bn').apply(conv('right', 6, 1, seed + 4).apply(block))) as tfl.SymbolicTensor;
  const joined = tfl.layers.concatenate({ name: 'concat' }).apply([left, right]) as tfl.SymbolicTensor;
  const pooled = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(
    tfl.layers.maxPooling2d({ name: 'pool', poolSize: 2 }).apply(joined),
  ) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ name: 'logits', units: classes, kernelInitializer: glorot(seed + 5), activation: 'softmax' }).apply(pooled) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: logits, name: 'own_net' });
}

/** One RGB image of class `label` (H·W·3 bytes): the class's colour and pattern, plus noise. */
export function ownImage(label: number, rng: Xoshiro128, [h, w] = [OWN_IMAGE[0], OWN_IMAGE[1]]): Uint8Array {
  const pixels = new Uint8Array(h * w * 3);
  const colour = [[220, 60, 60], [60, 200, 80], [70, 90, 230]][label % 3]!;
  const phase = rng.below(4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const on = label % 3 === 0 ? (x - w / 2) ** 2 + (y - h / 2) ** 2 < (h / 3) ** 2
        : label % 3 === 1 ? Math.abs(x - w / 2) < w / 4 && Math.abs(y - h / 2) < h / 4
        : (x + phase) % 4 < 2;
      for (let c = 0; c < 3; c++) {
        const base = on ? colour[c]! : 30;
        pixels[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, base + rng.below(41) - 20));
      }
    }
  }
  return pixels;
}

/**
 * The files of an image folder: `perClass` images of each class, alternately PNG and JPEG,
 * as relative paths ('circles/003.png') and their bytes.
 */
export function ownFolderFiles(perClass: number, seed: number): { path: string; bytes: Uint8Array }[] {
  const rng = new Xoshiro128(seed);
  const [h, w] = OWN_IMAGE;
  const files: { path: string; bytes: Uint8Array }[] = [];
  OWN_CLASSES.forEach((name, label) => {
    for (let i = 0; i < perClass; i++) {
      const pixels = ownImage(label, rng);
      const id = String(i).padStart(3, '0');
      files.push(i % 2 === 0 ? { path: `${name}/${id}.png`, bytes: pngFile(w, h, 3, pixels) } : { path: `${name}/${id}.jpg`, bytes: jpegFile(w, h, pixels, 95) });
    }
  });
  return files;
}
