// A redis-server of the test's own: on 127.0.0.1, a free port, a temporary folder, persistence
// as asked; stopped by its PID (SIGTERM, then SIGKILL), never by name. Not a system service: the
// binary only (Debian's redis-server package), found on PATH.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function redisServerAvailable(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** One command over a fresh connection (inline protocol), its reply line(s) as text; undefined if refused. */
export function redisCommand(port: number, command: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let text = '';
    socket.on('data', (d) => {
      text += d.toString();
      if (text.endsWith('\r\n')) socket.end();
    });
    socket.on('error', () => resolve(undefined));
    socket.on('close', () => resolve(text === '' ? undefined : text));
    socket.on('connect', () => socket.write(`${command}\r\n`));
  });
}

export interface RedisServer {
  readonly port: number;
  readonly dir: string;
  pid(): number;
  /** Stops it (SIGTERM: with appendonly it writes the AOF and exits) and starts it again on the same port and folder. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(dir: string, options: { appendonly: boolean }): Promise<RedisServer> {
  if (!redisServerAvailable()) {
    throw new Error('redis-server is not installed: the queue tests start their own (Debian: apt-get install -y redis-server)');
  }
  const port = await freePort();
  let child: ChildProcess;
  const launch = async () => {
    child = spawn('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', options.appendonly ? 'yes' : 'no',
      '--daemonize', 'no', '--protected-mode', 'yes', '--logfile', '',
    ], { stdio: ['ignore', 'ignore', 'inherit'] });
    for (let i = 0; i < 100; i++) {
      if ((await redisCommand(port, 'PING'))?.startsWith('+PONG')) return;
      if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`redis-server did not answer on port ${port} within 10 s`);
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(child.pid!, 'SIGTERM');
    const timer = setTimeout(() => { if (child.exitCode === null) process.kill(child.pid!, 'SIGKILL'); }, 10_000);
    await exited;
    clearTimeout(timer);
  };
  await launch();
  return {
    port, dir, pid: () => child.pid!, stop,
    restart: async () => {
      await stop();
      await launch();
    },
  };
}
