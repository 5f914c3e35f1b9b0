/** Shared by the page and its service worker: where the user's model files live. */
export const USER_FILES_CACHE = 'slimprune-user-files';
export const USER_FILES_PATH = 'user-files';
