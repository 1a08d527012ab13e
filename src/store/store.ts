// The store port: deadline timers, idempotency keys, order traces and small documents.
// Adapters: redis/ (ioredis, Lua scripts for every atomic step) and embedded.ts (file-backed).

export type DeadlineStatus = 'open' | 'met' | 'breached' | 'cancelled';
/** Which timer of a deadline fires: the early warning or the breach itself. */
export type TimerPhase = 'warn' | 'due';

export interface Deadline {
  /** Stable id: `${orderId}:${kind}`, so opening twice is the same deadline. */
  id: string;
  orderId: string;
  /** Deadline kind, e.g. `kvittens`; the rules file defines them. */
  kind: string;
  /** The routine rule the deadline enforces, e.g. `R-KVITTENS-3VD`. */
  rule: string;
  openedAt: number;
  /** Epoch ms of the first instant that is too late. */
  dueAt: number;
  /** Epoch ms of the early warning, when the rule has one. */
  warnAt?: number;
  status: DeadlineStatus;
  /** When the status last changed, and what caused it (an event id or an operator). */
  closedAt?: number;
  closedBy?: string;
  /** Why a deadline was cancelled (order closed, not started). */
  reason?: string;
  /** True once the warning has fired. */
  warned?: boolean;
  /** Routing context copied from the order: never personal data. */
  context: Record<string, string>;
}

/** A due timer handed to one claimant; see {@link DeadlineStore.claimDue}. */
export interface ClaimedTimer {
  deadline: Deadline;
  phase: TimerPhase;
}

export interface DeadlineStore {
  /**
   * Opens a deadline. Idempotent: when a deadline with this id exists in any status nothing
   * changes and false is returned (replaying events changes nothing).
   */
  openDeadline(deadline: Omit<Deadline, 'status' | 'warned'>): Promise<boolean>;
  /**
   * Moves an open deadline to met or cancelled and removes its timers. Returns the updated
   * deadline, or undefined when it was not open (already closed, or unknown).
   */
  closeDeadline(id: string, status: 'met' | 'cancelled', at: number, by: string, reason?: string): Promise<Deadline | undefined>;
  getDeadline(id: string): Promise<Deadline | undefined>;
  deadlinesOfOrder(orderId: string): Promise<Deadline[]>;
  /** Deadlines in a status, soonest due first, at most `limit`. */
  listDeadlines(status: DeadlineStatus, limit: number): Promise<Deadline[]>;
  countDeadlines(status: DeadlineStatus): Promise<number>;
  /**
   * Atomically hands out at most `limit` timers due at `now`, each to exactly one caller: a
   * claimed timer is leased until `now + leaseMs`; if it is not completed by then (the claimant
   * died) it is handed out again. Cost is proportional to what is due, not to what is open.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<ClaimedTimer[]>;
  /**
   * Completes a claimed timer: `due` marks the deadline breached, `warn` marks it warned.
   * Idempotent; returns false when the timer was no longer held (met or completed meanwhile).
   */
  completeTimer(id: string, phase: TimerPhase, at: number): Promise<boolean>;
  /** Removes every deadline (used by rebuild before replaying the log). */
  clearDeadlines(): Promise<void>;
}

export interface KeyValueStore {
  /** Sets the key only when absent; true when this call set it (idempotency keys). */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>;
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Appends to a list (order traces); lists keep insertion order. */
  append(key: string, value: string): Promise<void>;
  range(key: string): Promise<string[]>;
}

/**
 * A durable scheduled task: work that must happen at or after `dueAt` (a delivery's next attempt).
 * Tasks live in named queues; within a queue the id is unique.
 */
export interface ScheduledTask {
  queue: string;
  id: string;
  /** Epoch ms from which the task may be claimed. */
  dueAt: number;
  /** What the claimant needs to do the work; opaque to the store. Never personal data in clear. */
  payload: string;
}

export interface TaskStore {
  /**
   * Schedules a task. `if-absent`: only when the queue holds no task with this id, scheduled or
   * claimed (returns false otherwise, changing nothing). `replace`: sets its time and payload and
   * ends any lease on it (the way a claimant schedules its next attempt); returns true.
   */
  scheduleTask(task: ScheduledTask, mode: 'if-absent' | 'replace'): Promise<boolean>;
  /**
   * Atomically hands out at most `limit` tasks of the queue due at `now`, soonest first, each to
   * exactly one caller, leased until `now + leaseMs`. A task whose lease ran out (its claimant
   * died) is handed out again. Cost is proportional to what is due, not to what is queued.
   */
  claimTasks(queue: string, now: number, limit: number, leaseMs: number): Promise<ScheduledTask[]>;
  /** Removes a task, scheduled or claimed (its work is done or given up). Idempotent. */
  removeTask(queue: string, id: string): Promise<void>;
  getTask(queue: string, id: string): Promise<ScheduledTask | undefined>;
  /** Tasks in the queue, scheduled or claimed. */
  countTasks(queue: string): Promise<number>;
  /** At most `limit` tasks of the queue, scheduled or claimed, soonest due first; changes nothing (for metrics and views). */
  peekTasks(queue: string, limit: number): Promise<ScheduledTask[]>;
}

export interface Store extends DeadlineStore, KeyValueStore, TaskStore {
  close(): Promise<void>;
}
