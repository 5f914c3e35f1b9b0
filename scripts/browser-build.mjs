// A rollup plugin for the browser/worker build (dist/browser/): no `node:*` module is reachable
// from it. The library reaches Node built-ins only through dynamic imports behind runtime checks
// (src/platform/), which never run in a browser but which a bundler would still try to resolve;
// here each becomes a rejected promise with a message, and a static import of one fails the
// build. Modules with a `.browser.ts` sibling are replaced by it (src/tfjs/register-gradients.ts).
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const isNodeBuiltin = (id) => id.startsWith('node:');

export function browserBuild() {
  return {
    name: 'browser-build',
    resolveId(source, importer) {
      if (isNodeBuiltin(source)) {
        return { id: source, external: true };
      }
      if (importer && source.startsWith('.') && source.endsWith('.ts')) {
        const sibling = resolve(dirname(importer), source.replace(/\.ts$/, '.browser.ts'));
        if (existsSync(sibling)) return sibling;
      }
      return null;
    },
    moduleParsed(info) {
      const staticNode = info.importedIds.filter(isNodeBuiltin);
      if (staticNode.length > 0) {
        this.error(`${info.id} imports ${staticNode.join(', ')} statically; the browser build allows Node built-ins only behind dynamic imports`);
      }
    },
    renderDynamicImport({ targetModuleId }) {
      if (targetModuleId === null || !isNodeBuiltin(targetModuleId)) return null;
      return {
        left: 'Promise.reject(new Error("slimprune: this needs the Node.js module " + ',
        right: ' + ", which browsers and workers do not have; see the README on runtimes"))',
      };
    },
  };
}
