// The part of Bun's test runner API that test/bun/suites.test.ts uses: tsc checks the tests with
// Node's types, and Bun's own type package is not a dependency.
declare module 'bun:test' {
  type Body = () => void | Promise<void>;
  export const test: {
    (name: string, fn: Body, timeoutMs?: number): void;
    skip(name: string, fn: Body): void;
  };
}
