/**
 * Sparsity-trained networks, kept by what determines them. A trained network is a pure function
 * of the task, its data, the initial-weight seed, the sample of images, the batch order and the
 * recipe (training is seeded and deterministic on one backend), so a run that needs a network
 * already trained with exactly those inputs can take it instead of training again: the baselines
 * and the §7 variant share the full-set network, and variants of selection and fine-tuning
 * reuse the K networks of an earlier run.
 */
import { md5Hex } from '../platform/md5.ts';
import { startingModelIdentity, type PlainWeights } from '../model/index.ts';
import { isFolderData, type PolarizationReport, type TrainJob } from '../train/index.ts';

export interface CachedNetwork {
  readonly weights: PlainWeights;
  readonly polarization: PolarizationReport;
  /** Wall time of the original training. */
  readonly seconds: number;
}

export interface NetworkCache {
  get(key: string): Promise<CachedNetwork | undefined>;
  put(key: string, network: CachedNetwork): Promise<void>;
}

/** Bump when training changes what the same inputs produce, so old entries stop matching. */
const CACHE_FORMAT = 1;

export type NetworkInputs = Pick<TrainJob, 'start' | 'data' | 'batchSize' | 'batchSeed' | 'indices' | 'recipe'>;

/**
 * The key of a trained network: an MD5 over everything its weights depend on. A folder of the
 * user's images is known by `dataFingerprint` (its pixels' and labels' MD5), not by its path,
 * whose files may change between runs; a folder without one has no key (undefined: not cached).
 */
export async function networkKey(inputs: NetworkInputs, dataFingerprint?: string): Promise<string | undefined> {
  if (isFolderData(inputs.data) && dataFingerprint === undefined) return undefined;
  const indices = await md5Hex(new Uint8Array(inputs.indices.buffer, inputs.indices.byteOffset, inputs.indices.byteLength));
  const identity = JSON.stringify({
    format: CACHE_FORMAT,
    ...(isFolderData(inputs.data)
      ? { folder: { ...inputs.data, folder: null, testFolder: null, fingerprint: dataFingerprint } }
      : { task: inputs.data.task, data: inputs.data.source ?? null }),
    initial: await startingModelIdentity(inputs.start),
    batchSeed: inputs.batchSeed,
    batchSize: inputs.batchSize,
    indices,
    recipe: inputs.recipe,
  });
  return md5Hex(new TextEncoder().encode(identity));
}

/** A cache in memory, for one process (e.g. several methods run in a browser tab). */
export function memoryNetworkCache(): NetworkCache {
  const entries = new Map<string, CachedNetwork>();
  return {
    get: async (key) => entries.get(key),
    put: async (key, network) => {
      entries.set(key, network);
    },
  };
}
