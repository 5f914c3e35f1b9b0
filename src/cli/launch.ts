/**
 * The `slimprune` executable. tfjs is a peer dependency (a project that prunes brings its own, so
 * slimprune and the project share one tfjs engine), so an install without it must say which
 * packages to add rather than fail on a module path deep inside dist/.
 */
export {};

const TFJS_PACKAGES = '@tensorflow/tfjs @tensorflow/tfjs-backend-wasm';

try {
  await import('./main.ts');
} catch (error) {
  const code = (error as { code?: unknown }).code;
  const missing = /(?:Cannot find (?:package|module)|not found)[^\n]*'(@tensorflow\/[^'/]+)/.exec(String((error as Error).message));
  if (code === 'ERR_MODULE_NOT_FOUND' && missing) {
    process.stderr.write(
      `slimprune: the command line trains and prunes with tfjs, and ${missing[1]} is not installed.\n` +
        `Install tfjs next to slimprune: npm install ${TFJS_PACKAGES}\n`,
    );
    process.exit(1);
  }
  throw error;
}
