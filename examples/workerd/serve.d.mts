// Types of serve.mjs, for the test that serves the example (test/node/workerd.test.ts).
export interface RunningWorkerd {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  readonly pid: number;
  /** What workerd printed so far. */
  log(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves when it has exited. */
  stop(): Promise<void>;
}

export function startWorkerd(workerdBinary: string, config: string): Promise<RunningWorkerd>;
