/**
 * The user's own model files (file picker or drag-and-drop) made readable by URL: stored in Cache
 * Storage under user-files/<n>/ and served from there by the service worker (file-server-sw.ts).
 */
import { USER_FILES_CACHE, USER_FILES_PATH } from './user-files-names.ts';

/** Registers the service worker and waits until it controls this page (its first load included). */
export async function startFileServer(): Promise<void> {
  if (!('serviceWorker' in navigator)) {
    throw new Error('this browser has no service workers (or the page is not on https or localhost), so your own model files cannot be read; the reference networks still work');
  }
  await navigator.serviceWorker.register(new URL('./file-server-sw.js', import.meta.url), { type: 'module' });
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise<void>((resolve) => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }));
  }
}

let stored = 0;

/**
 * Puts the files under a fresh folder and returns the URL of their model.json. Refuses a choice
 * without exactly one .json, before anything is stored.
 */
export async function storeModelFiles(files: readonly File[]): Promise<{ url: string; name: string }> {
  const json = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
  if (json.length !== 1) {
    throw new Error(json.length === 0
      ? `none of the ${files.length} file(s) you chose is a model.json: choose the model.json that tfjs's model.save wrote, together with its weight files`
      : `you chose ${json.length} .json files (${json.map((f) => f.name).join(', ')}): choose one model.json and its weight files`);
  }
  const folder = new URL(`./${USER_FILES_PATH}/${Date.now()}-${stored++}/`, location.href);
  const cache = await caches.open(USER_FILES_CACHE);
  // The last model only: earlier folders are never read again.
  for (const old of await cache.keys()) await cache.delete(old);
  for (const file of files) {
    const type = file.name.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    await cache.put(new URL(encodeURIComponent(file.name), folder), new Response(file, { headers: { 'Content-Type': type } }));
  }
  return { url: new URL(encodeURIComponent(json[0]!.name), folder).href, name: json[0]!.name };
}
