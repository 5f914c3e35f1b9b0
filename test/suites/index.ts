// Every runtime-neutral suite, in the order the runners run them. Runners: test/node (vitest),
// test/deno (deno test), test/browser (headless Chromium).
import type { TestSuite } from '../harness.ts';
import { loaderSuite } from './loader.suite.ts';

export const suites: readonly TestSuite[] = [loaderSuite];
