/**
 * An image's channels made what the set wants: alpha dropped (a set has 1 or 3 channels; what a
 * transparent pixel would show depends on a background we do not know, so the colour is kept as
 * stored), grey to RGB by copying, RGB to grey by ITU-R BT.601 luma in PIL's fixed point
 * (Image.convert('L'): Y = (19595·R + 38470·G + 7471·B + 2¹⁵) >> 16), integers only, so every
 * runtime gives the same bytes.
 */

/** `pixels` pixels of `from` channels (1–4: grey, grey+alpha, RGB, RGBA) as `to` (1 or 3), into out[offset …]. */
export function convertChannels(
  src: Uint8Array, pixels: number, from: number, to: 1 | 3, out: Uint8Array, offset = 0,
): void {
  const colour = from >= 3;
  for (let p = 0, s = 0, o = offset; p < pixels; p++, s += from) {
    if (to === 1) {
      out[o++] = colour ? (19595 * src[s]! + 38470 * src[s + 1]! + 7471 * src[s + 2]! + 0x8000) >> 16 : src[s]!;
    } else if (colour) {
      out[o++] = src[s]!;
      out[o++] = src[s + 1]!;
      out[o++] = src[s + 2]!;
    } else {
      out[o++] = src[s]!;
      out[o++] = src[s]!;
      out[o++] = src[s]!;
    }
  }
}
