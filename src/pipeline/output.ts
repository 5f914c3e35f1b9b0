/**
 * Writes a run's folder: model/ (tfjs format; the compact model, trainable further),
 * model-deployed/ (the same with BatchNorm folded and ReLU fused, for inference), history.json,
 * metrics.json, report.html. The
 * folder is assembled under a temporary name next to the target and renamed when complete, so
 * an interrupted run leaves no partial output; an existing target is refused, never overwritten.
 * Node and Deno only (a browser takes the same pieces from the PruneRun).
 */
import { env } from '../env.ts';
import { exportModel, fuseBatchNorm } from '../prune/index.ts';
import { writeModelFiles } from '../platform/model-files.ts';
import { reportHtml } from '../report/html.ts';
import type { PruneRun } from './prune.ts';

export async function writeRunFolder(out: string, run: PruneRun, others: readonly PruneRun[] = []): Promise<string> {
  if (!env.IS_NODE && !env.IS_DENO) throw new Error('writeRunFolder needs a file system (Node or Deno)');
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const target = path.resolve(out);
  if (await fs.stat(target).then(() => true, () => false)) {
    throw new Error(`output folder ${out} already exists; choose another --out or remove it first`);
  }
  await fs.mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.partial-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  try {
    await fs.mkdir(temp);
    await writeModelFiles(path.join(temp, 'model'), await exportModel(run.model));
    const deployed = (await fuseBatchNorm(run.model)).model;
    await writeModelFiles(path.join(temp, 'model-deployed'), await exportModel(deployed));
    deployed.dispose();
    await fs.writeFile(path.join(temp, 'history.json'), JSON.stringify(run.history, null, 1) + '\n');
    await fs.writeFile(path.join(temp, 'metrics.json'), JSON.stringify({ ...run.metrics, baselines: others.map((o) => o.metrics) }, null, 1) + '\n');
    await fs.writeFile(path.join(temp, 'report.html'), reportHtml(run, others));
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { recursive: true, force: true });
    throw error;
  }
  return target;
}
