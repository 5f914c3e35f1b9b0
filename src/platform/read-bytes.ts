import { env } from '../env.ts';

/**
 * Reads a file or URL into bytes in any runtime: `file:` URLs and plain paths through node:fs in
 * Node and Deno (both provide it), everything else through fetch.
 */
export async function readBytes(source: URL | string): Promise<Uint8Array<ArrayBuffer>> {
  const url = typeof source === 'string' && !/^[a-z][a-z0-9+.-]*:/i.test(source) ? undefined : new URL(source);
  if ((env.IS_NODE || env.IS_DENO) && (!url || url.protocol === 'file:')) {
    const fs = await import('node:fs/promises');
    return new Uint8Array(await fs.readFile(url ?? (source as string)));
  }
  const response = await fetch(url ?? source);
  if (!response.ok) {
    throw new Error(`could not fetch ${String(source)}: HTTP ${response.status} ${response.statusText}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}
