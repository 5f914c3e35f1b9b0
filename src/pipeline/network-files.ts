/**
 * A network cache in a folder (Node and Deno): per key, `<key>.bin` holds the weights as
 * little-endian float32 in model.getWeights() order and `<key>.json` their shapes and the
 * training's report. The weights are written first and the JSON last, each under a temporary
 * name, so an entry is either complete or absent; an entry whose sizes do not add up is ignored
 * and trained again.
 */
import type { CachedNetwork, NetworkCache } from './network-cache.ts';
import { ensureDir, joinLocation, requireFileSystem, writeFileAtomic } from '../platform/files.ts';
import { readBytesIfExists } from '../platform/read-bytes.ts';

interface EntryHeader {
  readonly shapes: number[][];
  readonly polarization: CachedNetwork['polarization'];
  readonly seconds: number;
}

const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export function folderNetworkCache(dir: string): NetworkCache {
  requireFileSystem('a network cache folder');
  if (!littleEndian) throw new Error('the network cache stores little-endian float32; this machine is big-endian');
  const file = (key: string, ext: string) => joinLocation(dir, `${key}.${ext}`) as string;
  return {
    async get(key) {
      const json = await readBytesIfExists(file(key, 'json'));
      if (!json) return undefined;
      const header = JSON.parse(new TextDecoder().decode(json)) as EntryHeader;
      const bytes = await readBytesIfExists(file(key, 'bin'));
      const sizes = header.shapes.map((s) => s.reduce((a, b) => a * b, 1));
      if (!bytes || bytes.byteLength !== 4 * sizes.reduce((a, b) => a + b, 0)) return undefined;
      const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice();
      let offset = 0;
      const weights = header.shapes.map((shape, i) => {
        const values = all.subarray(offset, offset + sizes[i]!);
        offset += sizes[i]!;
        return { shape, values };
      });
      return { weights, polarization: header.polarization, seconds: header.seconds };
    },
    async put(key, network) {
      await ensureDir(dir);
      const total = network.weights.reduce((n, w) => n + w.values.length, 0);
      const all = new Float32Array(total);
      let offset = 0;
      for (const w of network.weights) {
        all.set(w.values, offset);
        offset += w.values.length;
      }
      await writeFileAtomic(file(key, 'bin'), new Uint8Array(all.buffer));
      const header: EntryHeader = { shapes: network.weights.map((w) => w.shape), polarization: network.polarization, seconds: network.seconds };
      await writeFileAtomic(file(key, 'json'), new TextEncoder().encode(JSON.stringify(header)));
    },
  };
}
