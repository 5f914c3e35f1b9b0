/**
 * gunzip, per runtime: node:zlib in Node and Deno (both provide it; async, so it runs off the
 * main thread in Node's pool), DecompressionStream('gzip') in browsers. Multi-member gzip files
 * decompress to the concatenation of their members in both.
 */
import { env } from '../env.ts';

export async function gunzip(bytes: Uint8Array, file: string): Promise<Uint8Array<ArrayBuffer>> {
  try {
    if (env.IS_NODE || env.IS_DENO) {
      const zlib = await import('node:zlib');
      const out = await new Promise<Uint8Array>((resolve, reject) =>
        zlib.gunzip(bytes, (error, result) => (error ? reject(error) : resolve(result))),
      );
      // A small Buffer may be a view into Node's shared pool: copy only then.
      const whole = out.byteOffset === 0 && out.byteLength === out.buffer.byteLength;
      const view = new Uint8Array(out.buffer as ArrayBuffer, out.byteOffset, out.byteLength);
      return whole ? view : view.slice();
    }
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${file}: is not valid gzip data (${reason}); the file is damaged, fetch it again`, { cause: error });
  }
}
