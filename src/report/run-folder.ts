/**
 * A run's folder: model/ (tfjs format; the compact model, trainable further), model-deployed/
 * (the same with BatchNorm folded and ReLU fused, for inference), model-deployed.onnx (that
 * deployed model as ONNX, NHWC input, with the same class names and normalisation),
 * history.json, metrics.json and report.html, written as one unit (writeFolderAtomic: a
 * temporary folder renamed when complete; an existing target is refused). Node and Deno only (a browser takes the same pieces from the PruneRun).
 *
 * The ONNX file is a convenience: a model that exportOnnx cannot write (a layer it has no
 * converter for, kept by `unsupported: 'keep'`) still gets its folder, without the file, and the
 * reason goes to metrics.json's warnings and to `onWarning`.
 */
import { exportOnnx } from '../onnx/index.ts';
import { exportModel, fuseBatchNorm, type ModelExport } from '../prune/index.ts';
import { writeFolderAtomic, type FolderFile } from '../platform/folder-files.ts';
import { reportHtml } from './html.ts';
import type { PruneRun } from './run.ts';

export const DEPLOYED_ONNX_FILE = 'model-deployed.onnx';

export interface RunFolderOptions {
  /** Told when a part of the folder could not be written (today: the ONNX export), with why. */
  readonly onWarning?: (message: string) => void;
}

const filesOf = (folder: string, exported: ModelExport): FolderFile[] =>
  exported.files.map((f) => ({ path: `${folder}/${f.name}`, bytes: f.bytes }));

/**
 * What a model file of the run says about its inputs and outputs (model.json's
 * userDefinedMetadata): the classes' names and the pixels' normalisation, which `slimprune run`
 * and slimprune/infer apply to an image.
 */
export function runModelMetadata(run: PruneRun): Record<string, unknown> {
  const { classNames, normalization, shape } = run.metrics.data;
  return { slimprune: { classNames, normalization, inputShape: shape } };
}

export async function writeRunFolder(out: string, run: PruneRun, others: readonly PruneRun[] = [], options: RunFolderOptions = {}): Promise<string> {
  const deployed = (await fuseBatchNorm(run.model)).model;
  const metadata = runModelMetadata(run);
  const warnings: string[] = [];
  let deployedFiles: FolderFile[];
  try {
    deployedFiles = filesOf('model-deployed', await exportModel(deployed, { metadata }));
    try {
      const { classNames, normalization } = run.metrics.data;
      deployedFiles.push({ path: DEPLOYED_ONNX_FILE, bytes: await exportOnnx(deployed, { description: { classNames, normalization } }) });
    } catch (error) {
      warnings.push(`${DEPLOYED_ONNX_FILE} not written: ${error instanceof Error ? error.message : String(error)}`);
    }
  } finally {
    deployed.dispose();
  }
  for (const w of warnings) options.onWarning?.(w);
  const metrics = { ...run.metrics, warnings: [...run.metrics.warnings, ...warnings], baselines: others.map((o) => o.metrics) };
  return writeFolderAtomic(out, [
    ...filesOf('model', await exportModel(run.model, { metadata })),
    ...deployedFiles,
    { path: 'history.json', bytes: JSON.stringify(run.history, null, 1) + '\n' },
    { path: 'metrics.json', bytes: JSON.stringify(metrics, null, 1) + '\n' },
    { path: 'report.html', bytes: reportHtml(run, others) },
  ]);
}
