// Empties dist/ before a build: rollup names chunks by content hash, so an old build's chunks
// would otherwise stay next to the new ones and be packed with them.
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
