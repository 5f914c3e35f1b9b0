/**
 * The browser and worker build's ./register-gradients.ts: the gradients and chained ops that the
 * '@tensorflow/tfjs' umbrella would register, taken from tfjs-core's ES modules (which bundlers
 * read), and the CPU backend, so that a page bundle carries no WebGL backend, converter or data
 * package it never uses.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-backend-cpu';
