/**
 * Compiles a .wasm file that an npm dependency ships, in Node and Deno, where the dependency's
 * own loader would fetch it by URL (fetch has no file: URLs in Node). Browsers return undefined:
 * there the dependency's loader finds the file itself, through the app's bundler.
 */
import { env } from '../env.ts';
import { dependencyDir } from './files.ts';
import { readBytes } from './read-bytes.ts';

export async function compileDependencyWasm(name: string, file: string): Promise<WebAssembly.Module | undefined> {
  if (!env.IS_NODE && !env.IS_DENO) return undefined;
  const path = await import('node:path');
  return WebAssembly.compile(await readBytes(path.join(await dependencyDir(name), file)));
}
