/**
 * The sweep's folder, the store every runner of its cells reaches: `cells/<id>.json` holds one
 * cell's result (written under a temporary name and renamed, so a result is whole or absent),
 * `networks/` the network cache its cells share (a network is trained once for every cell that
 * needs it, on whichever machine), `grid.json` the grid it was started with, and the tables and
 * report.html its summary. A sweep started again reads `cells/` and runs only what is missing.
 */
import { ensureDir, joinLocation, listDir, writeFileAtomic } from '../platform/files.ts';
import { readBytesIfExists } from '../platform/read-bytes.ts';
import type { CellResult } from './cell-result.ts';

export const CELLS_FOLDER = 'cells';
export const NETWORKS_FOLDER = 'networks';

const cellFile = (folder: string, id: string) => joinLocation(joinLocation(folder, CELLS_FOLDER) as string, `${id}.json`) as string;

export async function readCellResult(folder: string, id: string): Promise<CellResult | undefined> {
  const bytes = await readBytesIfExists(cellFile(folder, id));
  return bytes === undefined ? undefined : (JSON.parse(new TextDecoder().decode(bytes)) as CellResult);
}

export async function writeCellResult(folder: string, result: CellResult): Promise<void> {
  await ensureDir(joinLocation(folder, CELLS_FOLDER) as string);
  await writeFileAtomic(cellFile(folder, result.id), new TextEncoder().encode(JSON.stringify(result, null, 1) + '\n'));
}

/** Every result in the folder, by cell id (temporary files of an interrupted write are not results). */
export async function readCellResults(folder: string): Promise<Map<string, CellResult>> {
  const names = (await listDir(joinLocation(folder, CELLS_FOLDER) as string)).filter((n) => /^[0-9a-f]+\.json$/.test(n));
  const results = new Map<string, CellResult>();
  for (const name of names.sort()) {
    const r = await readCellResult(folder, name.slice(0, -'.json'.length));
    if (r) results.set(r.id, r);
  }
  return results;
}

export async function writeSweepFile(folder: string, name: string, text: string): Promise<void> {
  await ensureDir(folder);
  await writeFileAtomic(joinLocation(folder, name) as string, new TextEncoder().encode(text));
}

export function networksFolder(folder: string): string {
  return joinLocation(folder, NETWORKS_FOLDER) as string;
}
