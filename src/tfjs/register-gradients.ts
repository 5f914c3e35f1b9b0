/**
 * tfjs's gradients and chained ops, registered as a side effect of importing this module, for
 * Node, Deno and Bun. tfjs-core's CommonJS build (what those runtimes load) registers no
 * gradients; only the umbrella package's does, so training there imports '@tensorflow/tfjs'.
 * Browser and worker bundles get ./register-gradients.browser.ts instead (rollup.config.mjs),
 * which registers the same gradients from tfjs-core's ES modules without the umbrella's WebGL
 * backend, converter and data packages.
 */
import '@tensorflow/tfjs';
