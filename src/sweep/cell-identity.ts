/**
 * A cell's identity: an MD5 over its resolved config (every default filled in), with the keys in
 * sorted order so the same run always hashes alike. Left out: what cannot change the result
 * (`workers`: 1 or N pool workers give the same bits; `wasmPaths`: where the same .wasm is served).
 * So a sweep started again, or a grid that gains a seed, knows which cells it has already run.
 */
import { md5Hex } from '../platform/md5.ts';
import { resolveConfig, type PruneConfig } from '../pipeline/config.ts';

/** Bump when a cell's result changes meaning for the same config, so old results stop matching. */
const CELL_FORMAT = 1;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

export async function cellIdentity(config: PruneConfig): Promise<string> {
  const { workers: _workers, wasmPaths: _wasmPaths, ...resolved } = resolveConfig(config);
  const text = JSON.stringify(canonical({ format: CELL_FORMAT, config: resolved }));
  return (await md5Hex(new TextEncoder().encode(text))).slice(0, 16);
}
