import { env } from '../env.ts';

/**
 * Reads a file or URL into bytes in any runtime: `file:` URLs and plain paths through node:fs in
 * Node and Deno (both provide it), everything else through fetch. A scheme needs two letters or
 * more: `C:\data` is a Windows path, not a URL.
 */
export async function readBytes(source: URL | string): Promise<Uint8Array<ArrayBuffer>> {
  const url = typeof source === 'string' && !/^[a-z][a-z0-9+.-]+:/i.test(source) ? undefined : new URL(source);
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

/**
 * As readBytes, but resolves to undefined when the file does not exist (ENOENT, or HTTP 404 for
 * a URL), so a caller can try several names; every other failure still throws.
 */
export async function readBytesIfExists(source: URL | string): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const url = typeof source === 'string' && !/^[a-z][a-z0-9+.-]+:/i.test(source) ? undefined : new URL(source);
  if ((env.IS_NODE || env.IS_DENO) && (!url || url.protocol === 'file:')) {
    const fs = await import('node:fs/promises');
    try {
      const buffer = await fs.readFile(url ?? (source as string));
      return new Uint8Array(buffer.buffer as ArrayBuffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
      throw error;
    }
  }
  const response = await fetch(url ?? source);
  if (response.status === 404) return undefined;
  if (!response.ok) {
    throw new Error(`could not fetch ${String(source)}: HTTP ${response.status} ${response.statusText}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}
