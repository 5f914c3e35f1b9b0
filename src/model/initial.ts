/**
 * The network every training of a run starts from, as plain data (a worker job carries it): the
 * task's reference network built from the run's seed, or the user's model (a model.json) with the
 * weights of its file. Each call returns a fresh copy, so K trainings start from the same weights
 * (METHOD.md §3).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { referenceModel, type ReferenceTask } from './architectures.ts';
import { describeLocation } from '../platform/files.ts';
import { md5Hex } from '../platform/md5.ts';
import { modelFromArtifacts, readModelArtifacts } from './model-files.ts';

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

/** A reference network from its seed, or a model file (path or URL of its model.json). */
export type StartingNetwork =
  | { readonly task: ReferenceTask; readonly seed: number; readonly model?: undefined }
  | { readonly model: string };

/** The starting network of a run that prunes `model` if given, else the task's reference network. */
export function startingNetwork(run: { readonly task?: string | undefined; readonly seed: number; readonly model?: string | undefined }): StartingNetwork {
  if (run.model !== undefined) return { model: run.model };
  if (run.task === undefined) throw new Error('a run without a reference task needs a model (a model.json) to start from');
  return { task: run.task as ReferenceTask, seed: run.seed };
}

export async function startingModel(start: StartingNetwork): Promise<tfl.LayersModel> {
  if (start.model === undefined) return referenceModel(start.task, { seed: start.seed });
  return modelFromArtifacts((await userModel(start.model)).artifacts, describeLocation(start.model));
}

/** What identifies the starting network: the reference task and seed, or the user file's MD5. */
export async function startingModelIdentity(start: StartingNetwork): Promise<string> {
  return start.model === undefined ? `${start.task}@${start.seed}` : `file:${(await userModel(start.model)).fingerprint}`;
}
