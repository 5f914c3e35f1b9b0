/**
 * Writing an exported model (export.ts) to a folder, Node and Deno only: each file under a
 * temporary name, renamed when complete, model.json last, so a reader never sees a model.json
 * whose weights are missing or half written. Browsers have no file system: there, use the
 * artefacts of exportModel() directly (e.g. offer them as downloads).
 */
import { env } from '../env.ts';
import { ensureDir, joinLocation, writeFileAtomic } from '../platform/files.ts';
import { MODEL_FILE, type ModelExport } from './export.ts';

/** Writes model.json and weights.bin into `dir` (created if missing); returns the model.json path. */
export async function writeModelFiles(dir: string, exported: ModelExport): Promise<string> {
  if (!env.IS_NODE && !env.IS_DENO) {
    throw new Error('writeModelFiles needs a file system (Node or Deno); in a browser, use the files of exportModel() directly');
  }
  if (typeof dir !== 'string' || dir.length === 0) throw new TypeError('writeModelFiles: dir must be a folder path');
  await ensureDir(dir);
  const ordered = [...exported.files].sort((a, b) => Number(a.name === MODEL_FILE) - Number(b.name === MODEL_FILE));
  for (const f of ordered) await writeFileAtomic(joinLocation(dir, f.name) as string, f.bytes);
  return joinLocation(dir, MODEL_FILE) as string;
}
