// What a Kafka consumer commits and when (src/bus/kafka-offsets.ts); the broker's side is in
// test/contract/bus.kafka.test.ts.
import type { TopicPartitionOffsetAndMetadata } from 'kafkajs';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { KafkaOffsets } from '../../src/bus/kafka-offsets.ts';

const log = pino({ level: 'silent' });

/** A commit error as kafkajs gives it when a partition in the commit no longer exists. */
const GONE = Object.assign(new Error('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
const isGone = (err: unknown): boolean => (err as { type?: string }).type === GONE.type;

function offsetsWith(commit: (offsets: TopicPartitionOffsetAndMetadata[]) => Promise<void>, intervalMs = 600_000): KafkaOffsets {
  return new KafkaOffsets({ commit, intervalMs, log, topicName: (t) => t, isGone });
}

describe('KafkaOffsets', () => {
  it('commits the highest handled offset of each partition once per interval', async () => {
    const commits: TopicPartitionOffsetAndMetadata[][] = [];
    const offsets = offsetsWith(async (o) => void commits.push(o), 20);
    offsets.handled('orders', 0, '3');
    offsets.handled('orders', 0, '5');
    offsets.handled('orders', 1, '2');
    offsets.handled('orders', 0, '4');
    await vi.waitFor(() => expect(commits).toHaveLength(1));
    expect(commits[0]).toEqual([{ topic: 'orders', partition: 0, offset: '5' }, { topic: 'orders', partition: 1, offset: '2' }]);
    await offsets.close();
    expect(commits).toHaveLength(1);
  });

  it('skips records this member has handled already, as after a rebalance kafkajs hands them back', () => {
    const offsets = offsetsWith(async () => {});
    const batch = ['7', '8', '9', '10'].map((offset) => ({ offset }));
    expect(offsets.unhandled('orders', 0, batch, '11')).toEqual(batch);
    offsets.handled('orders', 0, '9');
    expect(offsets.unhandled('orders', 0, batch, '11').map((r) => r.offset)).toEqual(['9', '10']);
    expect(offsets.unhandled('orders', 1, batch, '11')).toEqual(batch);
    offsets.handled('orders', 0, '11');
    expect(offsets.unhandled('orders', 0, batch, '11')).toEqual([]);
  });

  it('a partition that ends before what it handled (its topic created again) is handled afresh, and its old offset is not committed', async () => {
    const sent: TopicPartitionOffsetAndMetadata[][] = [];
    const offsets = offsetsWith(async (o) => void sent.push(o));
    offsets.handled('orders', 0, '5');
    const anew = ['0', '1', '2'].map((offset) => ({ offset }));
    expect(offsets.unhandled('orders', 0, anew, '3')).toEqual(anew);
    await offsets.flush();
    expect(sent).toEqual([]);
    offsets.handled('orders', 0, '3');
    await offsets.close();
    expect(sent).toEqual([[{ topic: 'orders', partition: 0, offset: '3' }]]);
  });

  it('a commit refused because a partition is gone (its topic deleted) is not tried again', async () => {
    const sent: TopicPartitionOffsetAndMetadata[][] = [];
    const offsets = offsetsWith(async (o) => {
      sent.push(o);
      if (sent.length === 1) throw GONE;
    });
    offsets.handled('orders', 0, '5');
    await offsets.flush();
    offsets.handled('deadlines', 0, '2');
    await offsets.close();
    expect(sent).toEqual([[{ topic: 'orders', partition: 0, offset: '5' }], [{ topic: 'deadlines', partition: 0, offset: '2' }]]);
  });

  it('a commit that fails is tried again with the next one, unless a later offset of its partition replaced it', async () => {
    const sent: TopicPartitionOffsetAndMetadata[][] = [];
    let fail = true;
    const offsets = offsetsWith(async (o) => {
      sent.push(o);
      if (fail) throw new Error('REBALANCE_IN_PROGRESS');
    });
    offsets.handled('orders', 0, '3');
    offsets.handled('orders', 1, '6');
    await offsets.flush();
    fail = false;
    offsets.handled('orders', 1, '8');
    await offsets.flush();
    expect(sent[1]).toEqual([{ topic: 'orders', partition: 0, offset: '3' }, { topic: 'orders', partition: 1, offset: '8' }]);
  });

  it('while commits keep failing (a broker outage) it warns once, retries every interval, and says when they work again; closed, it stops', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string }), done()) });
    let failing = true;
    let attempts = 0;
    const offsets = new KafkaOffsets({
      commit: async () => {
        attempts++;
        if (failing) throw new Error('broker unreachable');
      },
      intervalMs: 10, log: pino({ level: 'debug' }, sink), topicName: (t) => t, isGone,
    });
    offsets.handled('orders', 0, '3');
    await vi.waitFor(() => expect(attempts).toBeGreaterThanOrEqual(4));
    failing = false;
    await vi.waitFor(() => expect(lines.some((l) => l.msg === 'committing offsets works again')).toBe(true));
    expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual(['committing offsets failed; trying again with the next commit (until then a restart delivers those records again)']);

    failing = true;
    offsets.handled('orders', 0, '4');
    await offsets.close();
    const afterClose = attempts;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(attempts).toBe(afterClose);
  });

  it('after a rebalance, commits nothing for partitions this member no longer owns', async () => {
    const sent: TopicPartitionOffsetAndMetadata[][] = [];
    const offsets = offsetsWith(async (o) => void sent.push(o));
    offsets.handled('orders', 0, '3');
    offsets.handled('orders', 1, '6');
    offsets.handled('deadlines', 0, '2');
    offsets.keepOnly({ orders: [1], deadlines: [] });
    await offsets.close();
    expect(sent).toEqual([[{ topic: 'orders', partition: 1, offset: '6' }]]);
  });
});
