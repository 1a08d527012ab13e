// kafkajs 2.2.4 keeps a 1 ms timer going on every broker connection from its first answer until
// it closes (tulios/kafkajs#1704, unfixed upstream; Node 24 warns of it as a
// TimeoutNegativeWarning): after each answer it schedules a look at its queue of pending requests
// with a negative delay even when nothing is pending or throttled, and that look schedules the next.
// This replaces the scheduling with the same rule minus that case; a request that has to wait
// still schedules the look (push does), and a throttled connection still looks when the throttle ends.
import { createRequire } from 'node:module';

interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs's own interval for a look at pending requests that are not throttled. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;
/** The kafkajs release whose RequestQueue this was written against. */
export const PATCHED_KAFKAJS_VERSION = '2.2.4';

const require = createRequire(import.meta.url);

/** Puts the fix into kafkajs's RequestQueue, for kafkajs 2.2.4 only; true if it is in. */
export function fixRequestQueueTimer(): boolean {
  const { version } = require('kafkajs/package.json') as { version: string };
  if (version !== PATCHED_KAFKAJS_VERSION) return false;
  const { prototype } = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueue };
  prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueue): void {
    if (this.throttleCheckTimeoutId) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    if (this.pending.length === 0 && untilUnthrottled <= 0) return;
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS);
  };
  return true;
}
