/**
 * A run's folder: model/ (tfjs format; the compact model, trainable further), model-deployed/
 * (the same with BatchNorm folded and ReLU fused, for inference), history.json, metrics.json and
 * report.html, written as one unit (writeFolderAtomic: a temporary folder renamed when complete;
 * an existing target is refused). Node and Deno only (a browser takes the same pieces from the
 * PruneRun).
 */
import { exportModel, fuseBatchNorm, type ModelExport } from '../prune/index.ts';
import { writeFolderAtomic, type FolderFile } from '../platform/folder-files.ts';
import { reportHtml } from './html.ts';
import type { PruneRun } from './run.ts';

const filesOf = (folder: string, exported: ModelExport): FolderFile[] =>
  exported.files.map((f) => ({ path: `${folder}/${f.name}`, bytes: f.bytes }));

export async function writeRunFolder(out: string, run: PruneRun, others: readonly PruneRun[] = []): Promise<string> {
  const deployed = (await fuseBatchNorm(run.model)).model;
  const deployedFiles = filesOf('model-deployed', await exportModel(deployed));
  deployed.dispose();
  return writeFolderAtomic(out, [
    ...filesOf('model', await exportModel(run.model)),
    ...deployedFiles,
    { path: 'history.json', bytes: JSON.stringify(run.history, null, 1) + '\n' },
    { path: 'metrics.json', bytes: JSON.stringify({ ...run.metrics, baselines: others.map((o) => o.metrics) }, null, 1) + '\n' },
    { path: 'report.html', bytes: reportHtml(run, others) },
  ]);
}
