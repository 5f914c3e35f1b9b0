/**
 * What a run's model file says of its inputs and classes, in either format: model.json's
 * userDefinedMetadata.slimprune, or the ONNX file's metadata_props entry 'slimprune' (the same
 * object as JSON). Anything malformed in it is left out rather than trusted.
 */
export interface ModelDescription {
  readonly classNames?: readonly string[];
  /** x = (pixel/255 − mean[c]) / std[c]. */
  readonly normalization?: { readonly mean: readonly number[]; readonly std: readonly number[] };
}

export function readDescription(own: unknown): ModelDescription {
  if (!own || typeof own !== 'object') return {};
  const given = own as { classNames?: unknown; normalization?: { mean?: unknown; std?: unknown } };
  const names = Array.isArray(given.classNames) && given.classNames.every((n) => typeof n === 'string') ? (given.classNames as string[]) : undefined;
  const n = given.normalization;
  const numbers = (xs: unknown): xs is number[] => Array.isArray(xs) && xs.every((x) => Number.isFinite(x));
  const normalization = n && numbers(n.mean) && numbers(n.std) && n.mean.length === n.std.length ? { mean: n.mean, std: n.std } : undefined;
  return { ...(names && { classNames: names }), ...(normalization && { normalization }) };
}
