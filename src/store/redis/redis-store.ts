// The store on Redis, shared by every Brygga instance. Each multi-key step is one Lua script
// (lua/<operation>-<numkeys>.lua), so timers are handed out exactly once across instances.
//
// A deadline is one small hash (listpack-encoded) with short field names:
//   o orderId  k kind  r rule  t openedAt  d dueAt  w warnAt  s status
//   ca closedAt  cb closedBy  re reason  wd warned ('1')  c context (JSON, absent when empty)
import { readdirSync, readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import type { ClaimedTimer, Deadline, DeadlineStatus, ScheduledTask, Store, TimerPhase } from '../store.ts';
import { redisKeys, type RedisKeys } from './keys.ts';

export interface RedisStoreOptions {
  /** A connection URL (the store owns and closes the connection) or a client the caller owns. */
  redis: string | Redis;
  /** Key prefix; default `brygga:`. */
  prefix?: string;
}

const SCAN_BATCH = 1_000;

type Fields = Record<string, string>;
type Script = (...args: (string | number)[]) => Promise<unknown>;

interface LuaScript {
  name: string;
  numberOfKeys: number;
  lua: string;
}

let scripts: LuaScript[] | undefined;

/** Reads lua/*.lua once per process; the key count is part of each file name. */
function luaScripts(): LuaScript[] {
  if (!scripts) {
    const dir = new URL('./lua/', import.meta.url);
    scripts = readdirSync(dir).flatMap((file) => {
      const match = /^(\w+)-(\d+)\.lua$/.exec(file);
      if (!match) return [];
      return [{ name: `brygga_${match[1]}`, numberOfKeys: Number(match[2]), lua: readFileSync(new URL(file, dir), 'utf8') }];
    });
  }
  return scripts;
}

export class RedisStore implements Store {
  private readonly redis: Redis;
  private readonly ownsConnection: boolean;
  private readonly keys: RedisKeys;

  constructor(options: RedisStoreOptions) {
    this.ownsConnection = typeof options.redis === 'string';
    // Auto-pipelining: the commands of concurrently handled records share round trips.
    this.redis = typeof options.redis === 'string' ? new Redis(options.redis, { enableAutoPipelining: true }) : options.redis;
    this.keys = redisKeys(options.prefix);
    for (const { name, numberOfKeys, lua } of luaScripts()) {
      // Identical source under one name, so sharing a client between stores is harmless.
      this.redis.defineCommand(name, { numberOfKeys, lua, readOnly: name === 'brygga_rangeDeadlines' });
    }
  }

  private script(name: string): Script {
    return (this.redis as unknown as Record<string, Script>)[`brygga_${name}`]!.bind(this.redis);
  }

  async openDeadline(d: Omit<Deadline, 'status' | 'warned'>): Promise<boolean> {
    const k = this.keys;
    const context = Object.keys(d.context).length > 0 ? JSON.stringify(d.context) : '';
    const opened = await this.script('openDeadline')(
      k.deadline(d.id), k.status('open'), k.timers, k.order(d.orderId),
      d.id, d.orderId, d.kind, d.rule, d.openedAt, d.dueAt, d.warnAt ?? '', context,
    );
    return opened === 1;
  }

  async closeDeadline(id: string, status: 'met' | 'cancelled', at: number, by: string, reason?: string): Promise<Deadline | undefined> {
    if (status !== 'met' && status !== 'cancelled') throw new RangeError(`closeDeadline: status must be met or cancelled`);
    const k = this.keys;
    const flat = (await this.script('closeDeadline')(
      k.deadline(id), k.status('open'), k.status(status), k.timers, k.leases,
      id, status, at, by, reason ?? '',
    )) as string[] | null;
    return flat ? toDeadline(id, pairs(flat)) : undefined;
  }

  async getDeadline(id: string): Promise<Deadline | undefined> {
    const fields = await this.redis.hgetall(this.keys.deadline(id));
    return Object.keys(fields).length > 0 ? toDeadline(id, fields) : undefined;
  }

  async deadlinesOfOrder(orderId: string): Promise<Deadline[]> {
    return this.deadlinesIn(this.keys.order(orderId), 0);
  }

  async listDeadlines(status: DeadlineStatus, limit: number): Promise<Deadline[]> {
    return limit >= 1 ? this.deadlinesIn(this.keys.status(status), Math.floor(limit)) : [];
  }

  async countDeadlines(status: DeadlineStatus): Promise<number> {
    return this.redis.zcard(this.keys.status(status));
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<ClaimedTimer[]> {
    if (!(limit >= 1)) return [];
    const k = this.keys;
    const claimed = (await this.script('claimDue')(k.timers, k.leases, k.deadlinePrefix, now, Math.floor(limit), leaseMs)) as [string, TimerPhase, string[]][];
    return claimed.map(([id, phase, flat]) => ({ deadline: toDeadline(id, pairs(flat)), phase }));
  }

  async completeTimer(id: string, phase: TimerPhase, at: number): Promise<boolean> {
    const k = this.keys;
    const done = await this.script('completeTimer')(k.deadline(id), k.timers, k.leases, k.status('open'), k.status('breached'), id, phase, at);
    return done === 1;
  }

  async clearDeadlines(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', this.keys.deadlinePattern, 'COUNT', SCAN_BATCH);
      if (keys.length > 0) await this.redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  async scheduleTask(task: ScheduledTask, mode: 'if-absent' | 'replace'): Promise<boolean> {
    const q = this.keys.tasks(task.queue);
    return (await this.script('scheduleTask')(q.task(task.id), q.due, q.leases, task.id, task.dueAt, task.payload, mode)) === 1;
  }

  async claimTasks(queue: string, now: number, limit: number, leaseMs: number): Promise<ScheduledTask[]> {
    if (!(limit >= 1)) return [];
    const q = this.keys.tasks(queue);
    const claimed = (await this.script('claimTasks')(q.due, q.leases, q.taskPrefix, now, Math.floor(limit), leaseMs)) as [string, string, string][];
    return claimed.map(([id, dueAt, payload]) => ({ queue, id, dueAt: Number(dueAt), payload }));
  }

  async removeTask(queue: string, id: string): Promise<void> {
    const q = this.keys.tasks(queue);
    await this.script('removeTask')(q.task(id), q.due, q.leases, id);
  }

  async getTask(queue: string, id: string): Promise<ScheduledTask | undefined> {
    const [dueAt, payload] = await this.redis.hmget(this.keys.tasks(queue).task(id), 'd', 'p');
    return dueAt == null || payload == null ? undefined : { queue, id, dueAt: Number(dueAt), payload };
  }

  async countTasks(queue: string): Promise<number> {
    const q = this.keys.tasks(queue);
    const [[, due], [, leased]] = (await this.redis.multi().zcard(q.due).zcard(q.leases).exec()) as [[null, number], [null, number]];
    return due + leased;
  }

  async peekTasks(queue: string, limit: number): Promise<ScheduledTask[]> {
    if (!(limit >= 1)) return [];
    const q = this.keys.tasks(queue);
    const n = Math.floor(limit) - 1;
    // The soonest `limit` of the scheduled and the claimed together are among the first `limit` of each.
    const [[, due], [, leased]] = (await this.redis.multi().zrange(q.due, '0', String(n)).zrange(q.leases, '0', String(n)).exec()) as [[null, string[]], [null, string[]]];
    const ids = [...new Set([...due, ...leased])];
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hmget(q.task(id), 'd', 'p');
    const found = ((await pipeline.exec()) ?? []).map(([, value], i) => [ids[i]!, value as [string | null, string | null]] as const);
    return found
      .filter(([, [dueAt, payload]]) => dueAt != null && payload != null)
      .map(([id, [dueAt, payload]]) => ({ queue, id, dueAt: Number(dueAt), payload: payload! }))
      .sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : 1))
      .slice(0, Math.floor(limit));
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    const k = this.keys.value(key);
    const reply = ttlMs === undefined ? await this.redis.set(k, value, 'NX') : await this.redis.set(k, value, 'PX', ttl(ttlMs), 'NX');
    return reply === 'OK';
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.value(key))) ?? undefined;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    const k = this.keys.value(key);
    if (ttlMs === undefined) await this.redis.set(k, value);
    else await this.redis.set(k, value, 'PX', ttl(ttlMs));
  }

  /** Removes the value and the list stored under the key. */
  async delete(key: string): Promise<void> {
    await this.redis.unlink(this.keys.value(key), this.keys.list(key));
  }

  async append(key: string, value: string): Promise<void> {
    await this.redis.rpush(this.keys.list(key), value);
  }

  async range(key: string): Promise<string[]> {
    return this.redis.lrange(this.keys.list(key), 0, -1);
  }

  /** The deadlines of an index zset, soonest due first; limit 0 reads all. */
  private async deadlinesIn(index: string, limit: number): Promise<Deadline[]> {
    const rows = (await this.script('rangeDeadlines')(index, this.keys.deadlinePrefix, limit)) as [string, string[]][];
    return rows.map(([id, flat]) => toDeadline(id, pairs(flat)));
  }

  async close(): Promise<void> {
    if (this.ownsConnection && this.redis.status !== 'end') await this.redis.quit();
  }
}

function ttl(ttlMs: number): number {
  if (!(ttlMs > 0)) throw new RangeError('ttlMs must be positive');
  return Math.ceil(ttlMs);
}

function pairs(flat: string[]): Fields {
  const fields: Fields = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return fields;
}

function toDeadline(id: string, f: Fields): Deadline {
  const d: Deadline = {
    id,
    orderId: f.o!,
    kind: f.k!,
    rule: f.r!,
    openedAt: Number(f.t),
    dueAt: Number(f.d),
    status: f.s as DeadlineStatus,
    context: f.c ? (JSON.parse(f.c) as Record<string, string>) : {},
  };
  if (f.w !== undefined) d.warnAt = Number(f.w);
  if (f.ca !== undefined) d.closedAt = Number(f.ca);
  if (f.cb !== undefined) d.closedBy = f.cb;
  if (f.re !== undefined) d.reason = f.re;
  if (f.wd === '1') d.warned = true;
  return d;
}
