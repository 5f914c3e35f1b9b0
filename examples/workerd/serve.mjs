// Starts `workerd serve` on a built example (build.mjs) at a port of 127.0.0.1 that the system
// picks, and stops it by its PID: for the repository's test and for scripts/consumer-check.mjs.
// workerd is spawned directly (not through a shell), so the PID is the server's, and it reports
// the port it bound on its control descriptor (fd 3), so there is no race for a free port.
import { spawn } from 'node:child_process';

const START_TIMEOUT_MS = 20_000;

/** Resolves to `{ origin, pid, log(), stop() }` once the worker answers HTTP. */
export async function startWorkerd(workerdBinary, config) {
  const child = spawn(workerdBinary, ['serve', config, '--socket-addr', 'http=127.0.0.1:0', '--control-fd', '3'], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(child.pid, 'SIGTERM');
    const killer = setTimeout(() => child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  };
  try {
    const port = await reportedPort(child, () => output);
    const origin = `http://127.0.0.1:${port}`;
    // Listening is not serving yet: wait for the first answer.
    for (let deadline = Date.now() + START_TIMEOUT_MS; ; ) {
      const answered = await fetch(origin).then((r) => r.status, () => undefined);
      if (answered !== undefined) break;
      if (Date.now() > deadline) throw new Error(`workerd does not answer on ${origin}:\n${output}`);
      await new Promise((wake) => setTimeout(wake, 100));
    }
    return { origin, pid: child.pid, log: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function reportedPort(child, output) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`workerd did not report its port within ${START_TIMEOUT_MS} ms:\n${output()}`)), START_TIMEOUT_MS);
    let control = '';
    child.stdio[3].on('data', (chunk) => {
      control += chunk;
      for (const line of control.split('\n').slice(0, -1)) {
        const message = JSON.parse(line);
        if (message.event === 'listen' && message.socket === 'http' && message.port) {
          clearTimeout(timer);
          resolve(message.port);
        }
      }
    });
    child.once('error', (error) => { clearTimeout(timer); reject(error); });
    child.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`workerd exited (${signal ?? code}) before listening:\n${output()}`)); });
  });
}
