// Runs every runtime-neutral suite under vitest in Node.
import { describe, it } from 'vitest';
import { suites } from '../suites/index.ts';

for (const s of suites) {
  describe(s.name, () => {
    for (const c of s.cases) {
      it(c.name, (context) => {
        const reason = c.skip?.();
        if (reason !== undefined) context.skip(reason);
        return c.fn();
      }, c.timeoutMs ?? 60_000);
    }
  });
}
