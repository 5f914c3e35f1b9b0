/** Loading a run's data: its task's, or its folder sized for the starting network's input. */
import type * as tfl from '@tensorflow/tfjs-layers';
import { startingModel, startingNetwork } from '../model/index.ts';
import { loadData, type TaskData } from '../train/index.ts';
import { dataSpec, type ResolvedConfig } from './config.ts';

/** The data of `config`, given its starting network (whose input a folder's images are resized to). */
export function loadDataFor(config: ResolvedConfig, start: tfl.LayersModel, say?: (message: string) => void): Promise<TaskData> {
  const spec = dataSpec(config, start);
  say?.(`loading ${'folder' in spec ? spec.folder : spec.task}`);
  // A line a second at most: a folder has thousands of files.
  let said = 0;
  return loadData(spec, (done, total) => {
    const now = performance.now();
    if (done < total && now - said < 1000) return;
    said = now;
    say?.(`reading images: ${done}/${total} files`);
  }, say);
}

/** The data of `config`, loaded once for several runs of it (e.g. a method and its baselines). */
export async function loadRunData(config: ResolvedConfig, say?: (message: string) => void): Promise<TaskData> {
  const start = await startingModel(startingNetwork(config));
  try {
    return await loadDataFor(config, start, say);
  } finally {
    start.dispose();
  }
}
