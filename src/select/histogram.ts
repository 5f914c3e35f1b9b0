/**
 * The γ histogram of Polarization's threshold search (Zhuang et al. 2020, released code):
 * numpy's `np.histogram(g, bins=100, range=(0, 1))` — bins [i/100, (i+1)/100), the last bin
 * closed on the right, values outside [0, 1] ignored.
 */
export const BINS = 100;

export function histogram(values: ArrayLike<number>, bins = BINS): Int32Array {
  const counts = new Int32Array(bins);
  for (let i = 0; i < values.length; i++) {
    const v = Math.abs(values[i]!);
    if (!(v >= 0 && v <= 1)) continue;
    counts[v === 1 ? bins - 1 : Math.floor(v * bins)]!++;
  }
  return counts;
}

/** Left edge of bin i: numpy's hist_x[i]. */
export const binEdge = (i: number, bins = BINS): number => i / bins;
