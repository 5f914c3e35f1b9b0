/**
 * Channel masks as one 0/1 byte per channel (the threshold rule, popcount and Hamming distance):
 * their arguments, checked once for the reference (src/kernels/reference/bitset.ts) and the WASM
 * wrappers (src/kernels/wasm/bitset.ts).
 */
import { kernelSpec, typeName } from '../validate.ts';

function checkMask(kernel: string, name: string, m: unknown): Uint8Array {
  if (!(m instanceof Uint8Array)) {
    throw new TypeError(`${kernel}: ${name} must be a Uint8Array of 0/1 per channel, got ${typeName(m)}`);
  }
  for (let i = 0; i < m.length; i++) {
    if (m[i]! > 1) throw new RangeError(`${kernel}: ${name}[${i}] is ${m[i]}; a mask holds 0 (pruned) or 1 (kept)`);
  }
  return m;
}

export const thresholdMaskSpec = kernelSpec(
  'thresholdMask',
  (kernel, gamma: Float32Array, theta: number, minChannels: number): void => {
    if (!(gamma instanceof Float32Array)) throw new TypeError(`${kernel}: gamma must be a Float32Array, got ${typeName(gamma)}`);
    for (let i = 0; i < gamma.length; i++) {
      if (!Number.isFinite(gamma[i]!)) throw new RangeError(`${kernel}: gamma[${i}] is ${gamma[i]}; every γ must be finite`);
    }
    if (typeof theta !== 'number' || Number.isNaN(theta)) throw new RangeError(`${kernel}: theta must be a number, got ${theta}`);
    if (!Number.isInteger(minChannels) || minChannels < 0 || minChannels > gamma.length) {
      throw new RangeError(`${kernel}: minChannels must be an integer in [0, ${gamma.length}], got ${minChannels}`);
    }
  },
);

export const maskPopcountSpec = kernelSpec('maskPopcount', (kernel, mask: Uint8Array): void => {
  checkMask(kernel, 'mask', mask);
}, 'popcountReference');

export const maskHammingSpec = kernelSpec('maskHamming', (kernel, a: Uint8Array, b: Uint8Array): void => {
  checkMask(kernel, 'a', a);
  checkMask(kernel, 'b', b);
  if (a.length !== b.length) throw new RangeError(`${kernel}: masks of ${a.length} and ${b.length} channels`);
}, 'hammingReference');
