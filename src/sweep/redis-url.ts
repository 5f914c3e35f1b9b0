/** `redis://[:password@]host[:port][/db]` as the connection options BullMQ and ioredis take. */
export interface RedisAddress {
  readonly host: string;
  readonly port: number;
  readonly password?: string;
  readonly db?: number;
}

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
