/**
 * The messages between the page (main.ts) and the run worker (run-worker.ts): plain data only,
 * as everything that crosses a worker boundary in slimprune.
 */
import type { PruneConfig, PruneEvent, PruneMethod } from 'slimprune';

/** Where the model comes from: a reference network of the task, or the user's files (user-files.ts). */
export type ModelChoice =
  | { readonly kind: 'reference' }
  /** URL of the user's model.json, served (with its weight files) by the app's service worker. */
  | { readonly kind: 'files'; readonly url: string; readonly name: string };

/** Where the images come from: a built-in data set served next to the app, or a folder the user picked. */
export type DataChoice =
  | { readonly kind: 'builtin'; readonly task: 'mnist-lenet' | 'fashion-lenet'; readonly url: string }
  /** The folder's files, each with its path below the picked folder (cat/001.png). */
  | { readonly kind: 'folder'; readonly name: string; readonly files: readonly File[] };

export interface RunRequest {
  readonly type: 'run';
  readonly id: number;
  readonly model: ModelChoice;
  readonly data: DataChoice;
  /** Each runs on the same data, one after the other; the report compares them. */
  readonly methods: readonly PruneMethod[];
  /** The budget, seed, K, target… shared by every method (no task, model, data or method here). */
  readonly settings: Omit<PruneConfig, 'task' | 'model' | 'images' | 'method' | 'dataSource' | 'wasmPaths'>;
  /** URL prefix of tfjs-backend-wasm's .wasm files, for the pool's workers. */
  readonly wasmPaths: string;
}

export type PageMessage = RunRequest | { readonly type: 'cancel'; readonly id: number };

/** One method's outcome, what the page shows and offers to download. */
export interface MethodResult {
  readonly method: PruneMethod;
  readonly accuracyBefore: number;
  readonly accuracyAfter: number;
  readonly flopsKept: number;
  readonly paramsKept: number;
  readonly widths: readonly { readonly layers: readonly string[]; readonly width: number; readonly kept: number }[];
  readonly testImages: number;
  readonly seconds: number;
  readonly warnings: readonly string[];
  /** The compact model in tfjs's format. */
  readonly modelJson: string;
  readonly weights: Uint8Array;
  /** The deployed model (BatchNorm folded) as ONNX, or why it could not be written. */
  readonly onnx: Uint8Array | { readonly error: string };
}

export type WorkerMessage =
  | { readonly type: 'event'; readonly id: number; readonly method: PruneMethod; readonly event: PruneEvent }
  | { readonly type: 'status'; readonly id: number; readonly message: string }
  | { readonly type: 'method-done'; readonly id: number; readonly result: MethodResult }
  /** Every method ran; report.html compares them. */
  | { readonly type: 'done'; readonly id: number; readonly reportHtml: string }
  | { readonly type: 'cancelled'; readonly id: number }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };
