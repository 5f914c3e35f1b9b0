/**
 * The network every training of a run starts from: the task's reference network built from the
 * run's seed, or the user's model (config.model, a model.json) with the weights of its file. Each
 * call returns a fresh copy, so K trainings start from the same weights (METHOD.md §3).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { referenceModel, type ReferenceTask } from '../model/index.ts';
import { describeLocation } from '../platform/files.ts';
import { md5Hex } from '../platform/md5.ts';
import { modelFromArtifacts, readModelArtifacts } from '../platform/model-files.ts';
import type { ResolvedConfig } from './config.ts';

interface UserModel {
  readonly artifacts: Awaited<ReturnType<typeof readModelArtifacts>>;
  /** MD5 of the topology and weights: what the network cache keys a user model by. */
  readonly fingerprint: string;
}

/** Read once per process and location: the K trainings and the worker's jobs share it. */
const userModels = new Map<string, Promise<UserModel>>();

function userModel(location: string): Promise<UserModel> {
  let entry = userModels.get(location);
  if (!entry) {
    entry = (async () => {
      const artifacts = await readModelArtifacts(location);
      const topology = new TextEncoder().encode(JSON.stringify(artifacts.modelTopology));
      const both = new Uint8Array(topology.length + artifacts.weightData.byteLength);
      both.set(topology);
      both.set(new Uint8Array(artifacts.weightData), topology.length);
      const fingerprint = await md5Hex(both);
      return { artifacts, fingerprint };
    })();
    entry.catch(() => userModels.delete(location));
    userModels.set(location, entry);
  }
  return entry;
}

export async function initialModel(config: ResolvedConfig): Promise<tfl.LayersModel> {
  if (config.model === undefined) return referenceModel(config.task as ReferenceTask, { seed: config.seed });
  return modelFromArtifacts((await userModel(config.model)).artifacts, describeLocation(config.model));
}

/** What identifies the initial network: the reference task and seed, or the user file's MD5. */
export async function initialModelIdentity(config: ResolvedConfig): Promise<string> {
  return config.model === undefined ? `${config.task}@${config.seed}` : `file:${(await userModel(config.model)).fingerprint}`;
}
