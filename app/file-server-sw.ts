/// <reference lib="webworker" />
/**
 * The app's service worker: answers requests under user-files/ from Cache Storage, where the page
 * put the model files the user picked (user-files.ts). prune() reads a model by URL, its weight
 * files next to its model.json, and so does every pool worker; a URL that this worker answers is
 * one they all can read, with no upload anywhere.
 */
import { USER_FILES_CACHE, USER_FILES_PATH } from './user-files-names.ts';

const sw = self as unknown as ServiceWorkerGlobalScope;

sw.addEventListener('install', () => void sw.skipWaiting());
sw.addEventListener('activate', (event) => event.waitUntil(sw.clients.claim()));
sw.addEventListener('fetch', (event) => {
  if (!new URL(event.request.url).pathname.includes(`/${USER_FILES_PATH}/`)) return;
  event.respondWith((async () => {
    const cache = await caches.open(USER_FILES_CACHE);
    return (await cache.match(event.request)) ?? new Response('no such file among the files you chose', { status: 404 });
  })());
});
