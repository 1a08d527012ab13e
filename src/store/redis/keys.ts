// Every Redis key Brygga's store uses, all under one prefix (default `brygga:`).
//
// Deadline keys carry the hash tag `{dl}` so that every deadline key hashes to one Redis Cluster
// slot: each Lua script touches the deadline hash, the status and order indexes, the timers and
// the leases together, and also derives deadline keys from `deadlinePrefix` inside the script.
// Idempotency keys and traces are single-key commands and stay untagged, spread over the cluster.
//
//   <p>{dl}:d:<id>          hash    one deadline, compact fields (see redis-store.ts)
//   <p>{dl}:s:<status>      zset    ids in that status, score dueAt
//   <p>{dl}:o:<orderId>     zset    ids of one order, score dueAt
//   <p>{dl}:timers          zset    `<id>|warn` / `<id>|due`, score = when it fires (ids may
//                                   contain `|`; scripts split at the last one)
//   <p>{dl}:leases          zset    claimed timers, score = lease expiry
//   <p>{tq:<q>}:t:<id>      hash    one scheduled task of queue <q>: d dueAt, p payload
//   <p>{tq:<q>}:due         zset    task ids, score dueAt
//   <p>{tq:<q>}:leases      zset    claimed task ids, score lease expiry
//                                   (the tag `{tq:<q>}` keeps one queue's keys in one slot)
//   <p>kv:<key>             string  setIfAbsent / get / set
//   <p>list:<key>           list    append / range
import type { DeadlineStatus } from '../store.ts';

export const DEFAULT_PREFIX = 'brygga:';

export interface RedisKeys {
  readonly prefix: string;
  /** Prefix of the deadline hashes; scripts append the id. */
  readonly deadlinePrefix: string;
  /** SCAN pattern matching every deadline key of this prefix, and nothing else. */
  readonly deadlinePattern: string;
  readonly timers: string;
  readonly leases: string;
  deadline(id: string): string;
  status(status: DeadlineStatus): string;
  order(orderId: string): string;
  value(key: string): string;
  list(key: string): string;
  tasks(queue: string): TaskQueueKeys;
}

export interface TaskQueueKeys {
  /** Prefix of the task hashes; scripts append the id. */
  readonly taskPrefix: string;
  readonly due: string;
  readonly leases: string;
  task(id: string): string;
}

export function redisKeys(prefix: string = DEFAULT_PREFIX): RedisKeys {
  const dl = `${prefix}{dl}:`;
  return {
    prefix,
    deadlinePrefix: `${dl}d:`,
    deadlinePattern: `${escapeGlob(dl)}*`,
    timers: `${dl}timers`,
    leases: `${dl}leases`,
    deadline: (id) => `${dl}d:${id}`,
    status: (status) => `${dl}s:${status}`,
    order: (orderId) => `${dl}o:${orderId}`,
    value: (key) => `${prefix}kv:${key}`,
    list: (key) => `${prefix}list:${key}`,
    tasks: (queue) => {
      const tq = `${prefix}{tq:${queue}}:`;
      return { taskPrefix: `${tq}t:`, due: `${tq}due`, leases: `${tq}leases`, task: (id) => `${tq}t:${id}` };
    },
  };
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
