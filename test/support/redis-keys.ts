// Deletes every key under one test's prefix: the Redis is shared with other test runs, so never
// FLUSHALL or FLUSHDB.
import { Redis } from 'ioredis';

export async function deleteKeysWithPrefix(redisUrl: string, prefix: string): Promise<number> {
  if (prefix.length === 0) throw new Error('refusing to delete every key: empty prefix');
  const redis = new Redis(redisUrl);
  let deleted = 0;
  try {
    const match = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    for await (const keys of redis.scanStream({ match, count: 1_000 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) deleted += await redis.del(...keys);
    }
  } finally {
    await redis.quit();
  }
  return deleted;
}
