/**
 * A small Redis client over one TCP connection (Node, RESP2), shaped as the client interface
 * BullMQ 6 drives (`IRedisClient`: the commands it uses, Lua scripts by EVALSHA, MULTI and
 * pipelines, a blocking BZPOPMIN). Why our own: BullMQ 6 no longer brings a Redis driver (ioredis
 * and node-redis are optional peers of it), and a sweep needs only these few commands, so a
 * second dependency is not worth it.
 *
 * Connection behaviour follows ioredis's defaults, which BullMQ expects: commands issued before
 * the connection is ready wait in an offline queue; a lost connection fails the commands in
 * flight with 'Connection is closed.' (BullMQ's connection error, which it retries), and is
 * reopened with a growing delay until `quit()` or `disconnect()`, so a restarted Redis is
 * rejoined by itself.
 */
// Static Node imports, unlike the rest of platform/: only src/sweep/queue.ts reaches this file,
// and the browser build takes queue.browser.ts in its place.
import { EventEmitter } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import { Readable } from 'node:stream';

export interface RedisAddress {
  readonly host: string;
  readonly port: number;
  readonly password?: string;
  readonly db?: number;
  readonly connectionName?: string;
}

type Arg = string | number | Buffer;
type Reply = string | number | null | Error | Reply[];

/** BullMQ's message for a connection lost or closed: its `isNotConnectionError` tells it apart. */
const CLOSED = 'Connection is closed.';

/** `redis://[:password@]host[:port][/db]` as an address. */
export function parseRedisUrl(url: string): RedisAddress {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RangeError(`'${url}' is not a Redis URL; give redis://host:port (e.g. redis://127.0.0.1:6379)`);
  }
  if (u.protocol !== 'redis:') throw new RangeError(`'${url}' is not a Redis URL (redis://host:port); rediss:// (TLS) is not supported`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined;
  if (db !== undefined && !Number.isInteger(db)) throw new RangeError(`'${url}': the database after the port must be a number`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port === '' ? 6379 : Number(u.port),
    ...(u.password !== '' && { password: decodeURIComponent(u.password) }),
    ...(db !== undefined && { db }),
  };
}

function encode(args: readonly Arg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const bytes = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** One RESP2 reply from `buf` at `at`, or undefined when the bytes so far end inside it. */
function parseReply(buf: Buffer, at: number): { value: Reply; next: number } | undefined {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const type = String.fromCharCode(buf[at]!);
  const line = buf.toString('utf8', at + 1, eol);
  switch (type) {
    case '+': return { value: line, next: eol + 2 };
    case '-': return { value: new Error(line), next: eol + 2 };
    case ':': return { value: Number(line), next: eol + 2 };
    case '$': {
      const n = Number(line);
      if (n < 0) return { value: null, next: eol + 2 };
      if (buf.length < eol + 2 + n + 2) return undefined;
      return { value: buf.toString('utf8', eol + 2, eol + 2 + n), next: eol + 2 + n + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, next: eol + 2 };
      const items: Reply[] = [];
      let next = eol + 2;
      for (let i = 0; i < n; i++) {
        const item = parseReply(buf, next);
        if (!item) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`unexpected byte '${type}' in a Redis reply: is ${'this'} port a Redis server?`);
  }
}

interface Pending {
  readonly resolve: (r: Reply) => void;
  readonly reject: (e: Error) => void;
}

interface Script {
  readonly lua: string;
  readonly sha: string;
  readonly numberOfKeys: number;
}

function closedError(): Error {
  return new Error(CLOSED);
}

/** Script arguments as BullMQ gives them: one array or a list; null and undefined as ''. */
function scriptArgs(args: readonly unknown[]): Arg[] {
  const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  return list.map((a) => (Buffer.isBuffer(a) ? a : a === undefined || a === null ? '' : String(a)));
}

export class RespRedisClient extends EventEmitter {
  status = 'wait';
  readonly isCluster = false;
  options: Record<string, unknown>;
  private socket: Socket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private inFlight: Pending[] = [];
  private offline: { args: readonly Arg[]; pending: Pending }[] = [];
  private scripts = new Map<string, Script>();
  private ending = false;
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private connecting: Promise<void> | undefined;

  constructor(readonly address: RedisAddress) {
    super();
    this.options = { ...address };
    this.setMaxListeners(50);
  }

  // ---- connection ------------------------------------------------------------------------

  connect(): Promise<void> {
    if (this.status === 'ready') return Promise.resolve();
    this.ending = false;
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    this.status = 'connecting';
    await new Promise<void>((resolve, reject) => {
      const socket = createConnection({ host: this.address.host, port: this.address.port });
      socket.setNoDelay(true);
      this.socket = socket;
      let opened = false;
      socket.on('connect', () => {
        opened = true;
        this.status = 'connect';
        this.handshake().then(() => {
          this.attempts = 0;
          this.status = 'ready';
          this.emit('ready');
          this.flushOffline();
          resolve();
        }, (error: Error) => {
          this.emitError(error);
          socket.destroy();
          reject(error);
        });
      });
      socket.on('data', (chunk: Buffer) => this.onData(chunk));
      socket.on('error', (error) => {
        this.emitError(error);
        if (!opened) reject(error);
      });
      socket.on('close', () => this.onClose(socket));
    });
  }

  /** AUTH, SELECT and CLIENT SETNAME, sent ahead of the offline queue. */
  private async handshake(): Promise<void> {
    const direct = (args: Arg[]) => this.write(args);
    if (this.address.password !== undefined) await direct(['AUTH', this.address.password]);
    if (this.address.db !== undefined) await direct(['SELECT', this.address.db]);
    const name = this.options['connectionName'];
    if (typeof name === 'string') await direct(['CLIENT', 'SETNAME', name]);
  }

  private onClose(socket: Socket): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.buffer = Buffer.alloc(0);
    const lost = this.inFlight;
    this.inFlight = [];
    for (const p of lost) p.reject(closedError());
    this.emit('close');
    if (this.ending) {
      this.status = 'end';
      for (const { pending } of this.offline.splice(0)) pending.reject(closedError());
      this.emit('end');
      return;
    }
    // ioredis's default: 50 ms more per attempt, at most 2 s.
    this.status = 'reconnecting';
    const delay = Math.min(50 * ++this.attempts, 2000);
    this.emit('reconnecting', delay);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.ending) this.connect().catch(() => { /* the close that follows schedules the next attempt */ });
    }, delay);
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let at = 0;
    for (;;) {
      const reply = parseReply(this.buffer, at);
      if (!reply) break;
      at = reply.next;
      const pending = this.inFlight.shift();
      if (!pending) continue;
      if (reply.value instanceof Error) pending.reject(reply.value);
      else pending.resolve(reply.value);
    }
    this.buffer = at === this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(at);
  }

  private emitError(error: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  private write(args: readonly Arg[]): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const socket = this.socket;
      if (!socket || socket.destroyed) return reject(closedError());
      this.inFlight.push({ resolve, reject });
      socket.write(encode(args));
    });
  }

  private flushOffline(): void {
    for (const { args, pending } of this.offline.splice(0)) this.write(args).then(pending.resolve, pending.reject);
  }

  /** Sends a command now, or when the connection is (re)opened; after quit/disconnect it fails. */
  send(args: readonly Arg[]): Promise<Reply> {
    if (this.status === 'ready') return this.write(args);
    if (this.status === 'end' || (this.ending && !this.socket)) return Promise.reject(closedError());
    const queued = new Promise<Reply>((resolve, reject) => this.offline.push({ args, pending: { resolve, reject } }));
    if (this.status === 'wait') this.connect().catch(() => { /* retried by onClose */ });
    return queued;
  }

  disconnect(reconnect = false): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.ending = !reconnect;
    if (this.socket) this.socket.destroy();
    else if (!reconnect) {
      this.status = 'end';
      for (const { pending } of this.offline.splice(0)) pending.reject(closedError());
      setImmediate(() => this.emit('end'));
    }
  }

  async quit(): Promise<string> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.ending = true;
    if (this.status === 'ready') await this.write(['QUIT']).catch(() => 'OK');
    this.disconnect(false);
    return 'OK';
  }

  duplicate(overrides: Record<string, unknown> = {}): RespRedisClient {
    const copy = new RespRedisClient({ ...this.address, ...(typeof overrides['connectionName'] === 'string' && { connectionName: overrides['connectionName'] }) });
    for (const [name, script] of this.scripts) copy.addScript(name, script);
    return copy;
  }

  // ---- Lua scripts -----------------------------------------------------------------------

  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void {
    // SHA-1 by Redis itself on first EVAL; until then EVALSHA of an unknown sha falls back to EVAL.
    this.addScript(name, { lua: definition.lua, numberOfKeys: definition.numberOfKeys, sha: '' });
  }

  private addScript(name: string, script: Script): void {
    this.scripts.set(name, script);
    // BullMQ checks `client[name]` to see whether a script is defined already (as on ioredis).
    (this as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => this.runCommand(name, args);
  }

  private script(name: string): Script {
    const s = this.scripts.get(name);
    if (!s) throw new Error(`BullMQ script '${name}' was never defined on this connection`);
    return s;
  }

  async runCommand(name: string, args: unknown[]): Promise<unknown> {
    const s = this.script(name);
    const argv = scriptArgs(args);
    if (s.sha !== '') {
      try {
        return await this.send(['EVALSHA', s.sha, s.numberOfKeys, ...argv]);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      }
    }
    // SCRIPT LOAD then EVALSHA, pipelined, so the sha is known for the next call (a restarted
    // Redis forgets its scripts: NOSCRIPT brings us back here).
    const [sha, result] = await Promise.all([this.send(['SCRIPT', 'LOAD', s.lua]), this.send(['EVAL', s.lua, s.numberOfKeys, ...argv])]);
    this.scripts.set(name, { ...s, sha: String(sha) });
    return result;
  }

  /** A script call inside MULTI or a pipeline: EVAL with the source, since a NOSCRIPT there cannot be retried. */
  scriptCall(name: string, args: unknown[]): Arg[] {
    const s = this.script(name);
    return ['EVAL', s.lua, s.numberOfKeys, ...scriptArgs(args)];
  }

  multi(): RedisBatch {
    return new RedisBatch(this, true);
  }

  pipeline(): RedisBatch {
    return new RedisBatch(this, false);
  }

  // ---- commands, with replies in ioredis's shapes ----------------------------------------

  async hgetall(key: string): Promise<Record<string, string>> {
    return pairsToObject((await this.send(['HGETALL', key])) as string[]);
  }
  async hget(key: string, field: string): Promise<string | null> { return (await this.send(['HGET', key, field])) as string | null; }
  async hmget(key: string, ...fields: string[]): Promise<(string | null)[]> { return (await this.send(['HMGET', key, ...fields])) as (string | null)[]; }
  async hset(key: string, data: Record<string, string | number>): Promise<number> { return (await this.send(['HSET', key, ...Object.entries(data).flat()])) as number; }
  async hdel(key: string, ...fields: string[]): Promise<number> { return (await this.send(['HDEL', key, ...fields])) as number; }
  async hexists(key: string, field: string): Promise<number> { return (await this.send(['HEXISTS', key, field])) as number; }
  async get(key: string): Promise<string | null> { return (await this.send(['GET', key])) as string | null; }
  async set(key: string, value: string | number, options: { PX?: number; EX?: number } = {}): Promise<string | null> {
    return (await this.send(['SET', key, value, ...(options.PX !== undefined ? ['PX', options.PX] : []), ...(options.EX !== undefined ? ['EX', options.EX] : [])])) as string | null;
  }
  async del(...keys: string[]): Promise<number> { return keys.length === 0 ? 0 : ((await this.send(['DEL', ...keys])) as number); }
  async zrange(key: string, start: number, end: number, options: { WITHSCORES?: boolean } = {}): Promise<string[]> {
    return (await this.send(['ZRANGE', key, start, end, ...(options.WITHSCORES ? ['WITHSCORES'] : [])])) as string[];
  }
  async zrevrange(key: string, start: number, end: number, options: { WITHSCORES?: boolean } = {}): Promise<string[]> {
    return (await this.send(['ZREVRANGE', key, start, end, ...(options.WITHSCORES ? ['WITHSCORES'] : [])])) as string[];
  }
  async zcard(key: string): Promise<number> { return (await this.send(['ZCARD', key])) as number; }
  async zscore(key: string, member: string): Promise<string | null> { return (await this.send(['ZSCORE', key, member])) as string | null; }
  async lrange(key: string, start: number, end: number): Promise<string[]> { return (await this.send(['LRANGE', key, start, end])) as string[]; }
  async llen(key: string): Promise<number> { return (await this.send(['LLEN', key])) as number; }
  async ltrim(key: string, start: number, end: number): Promise<string> { return (await this.send(['LTRIM', key, start, end])) as string; }
  async lpos(key: string, value: string): Promise<number | null> { return (await this.send(['LPOS', key, value])) as number | null; }
  async smembers(key: string): Promise<string[]> { return (await this.send(['SMEMBERS', key])) as string[]; }
  async xadd(key: string, id: string, fields: Record<string, string | number>, options: { MAXLEN?: number; approximate?: boolean } = {}): Promise<string> {
    const trim = options.MAXLEN === undefined ? [] : ['MAXLEN', ...(options.approximate ? ['~'] : []), options.MAXLEN];
    return (await this.send(['XADD', key, ...trim, id, ...Object.entries(fields).flat()])) as string;
  }
  async xread(streams: { key: string; id: string }[], options: { BLOCK?: number; COUNT?: number } = {}): Promise<unknown> {
    return this.send([
      'XREAD', ...(options.COUNT !== undefined ? ['COUNT', options.COUNT] : []), ...(options.BLOCK !== undefined ? ['BLOCK', options.BLOCK] : []),
      'STREAMS', ...streams.map((s) => s.key), ...streams.map((s) => s.id),
    ]);
  }
  async xtrim(key: string, strategy: 'MAXLEN', threshold: number, options: { approximate?: boolean } = {}): Promise<number> {
    return (await this.send(['XTRIM', key, strategy, ...(options.approximate ? ['~'] : []), threshold])) as number;
  }
  async bzpopmin(key: string, timeout: number): Promise<[string, string, string] | null> {
    return (await this.send(['BZPOPMIN', key, timeout])) as [string, string, string] | null;
  }
  async info(): Promise<string> { return (await this.send(['INFO'])) as string; }
  async clientSetName(name: string): Promise<unknown> {
    this.options['connectionName'] = name;
    return this.send(['CLIENT', 'SETNAME', name]);
  }
  async clientList(): Promise<string> { return (await this.send(['CLIENT', 'LIST'])) as string; }
  async clientInfo(): Promise<string> { return (await this.send(['CLIENT', 'INFO'])) as string; }
  async scan(cursor: string | number, options: { MATCH?: string; COUNT?: number } = {}): Promise<[string, string[]]> {
    return (await this.send(['SCAN', cursor, ...(options.MATCH !== undefined ? ['MATCH', options.MATCH] : []), ...(options.COUNT !== undefined ? ['COUNT', options.COUNT] : [])])) as [string, string[]];
  }
  scanStream(options: { match: string; count?: number }): Readable {
    const client = this;
    let cursor = '0';
    let started = false;
    return new Readable({
      objectMode: true,
      read() {
        if (started && cursor === '0') return void this.push(null);
        started = true;
        client.scan(cursor, { MATCH: options.match, ...(options.count !== undefined && { COUNT: options.count }) }).then(([next, keys]) => {
          cursor = next;
          this.push(keys);
        }, (error: Error) => this.destroy(error));
      },
    });
  }
}

function pairsToObject(flat: readonly string[] | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; flat && i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

/** MULTI … EXEC (atomic) or a plain pipeline (commands written together); exec gives [error, result] per command. */
export class RedisBatch {
  private readonly commands: Arg[][] = [];
  private readonly shapes: ((r: Reply) => unknown)[] = [];

  constructor(private readonly client: RespRedisClient, private readonly atomic: boolean) {}

  private add(args: Arg[], shape: (r: Reply) => unknown = (r) => r): this {
    this.commands.push(args);
    this.shapes.push(shape);
    return this;
  }

  hgetall(key: string): this { return this.add(['HGETALL', key], (r) => pairsToObject(r as string[])); }
  hset(key: string, data: Record<string, string | number>): this { return this.add(['HSET', key, ...Object.entries(data).flat()]); }
  hscan(key: string, cursor: string | number, options: { COUNT?: number } = {}): this {
    return this.add(['HSCAN', key, cursor, ...(options.COUNT !== undefined ? ['COUNT', options.COUNT] : [])]);
  }
  smembers(key: string): this { return this.add(['SMEMBERS', key]); }
  sscan(key: string, cursor: string | number, options: { COUNT?: number } = {}): this {
    return this.add(['SSCAN', key, cursor, ...(options.COUNT !== undefined ? ['COUNT', options.COUNT] : [])]);
  }
  zrange(key: string, start: number, end: number): this { return this.add(['ZRANGE', key, start, end]); }
  lrange(key: string, start: number, end: number): this { return this.add(['LRANGE', key, start, end]); }
  llen(key: string): this { return this.add(['LLEN', key]); }
  del(...keys: string[]): this { return this.add(['DEL', ...keys]); }
  runCommand(name: string, args: unknown[]): this { return this.add(this.client.scriptCall(name, args)); }

  async exec(): Promise<[Error | null, unknown][] | null> {
    if (this.commands.length === 0) return [];
    if (!this.atomic) {
      const settled = await Promise.allSettled(this.commands.map((c) => this.client.send(c)));
      return settled.map((s, i) => (s.status === 'fulfilled' ? [null, this.shapes[i]!(s.value)] : [s.reason as Error, null]));
    }
    // MULTI, the commands (each answered QUEUED) and EXEC, written back to back on one connection.
    const sent = [this.client.send(['MULTI']), ...this.commands.map((c) => this.client.send(c)), this.client.send(['EXEC'])];
    const settled = await Promise.allSettled(sent);
    const exec = settled.at(-1)!;
    if (exec.status === 'rejected') throw exec.reason;
    const replies = exec.value as Reply[] | null;
    if (replies === null) return null;
    return replies.map((r, i) => (r instanceof Error ? [r, null] : [null, this.shapes[i]!(r)]));
  }
}
