// The review list (R-ORDER-FAX-FALLBACK) on both store adapters: a refused message kept once with
// its original bytes, across a restart; one decision per message, the first standing; and
// `brygga review list|attach|dismiss` on the embedded store, with one-line errors.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ReviewList } from '../../src/review/review-list.ts';
import { EmbeddedStore } from '../../src/store/embedded.ts';
import { RedisStore } from '../../src/store/redis/redis-store.ts';
import type { Store } from '../../src/store/store.ts';
import { deleteKeysWithPrefix } from '../support/redis-keys.ts';

const MAIL = Buffer.from('Subject: SV: Beställning [BRY-P-0000-0000]\r\nMessage-ID: <x1@omsorg.example.se>\r\n\r\nMOTTAGEN\r\n', 'utf8');
const REFUSED = {
  system: 'mail',
  original: MAIL,
  contentType: 'message/rfc822',
  receivedAt: Date.parse('2026-11-24T09:12:00Z'),
  problems: [{ code: 'BRY_ORDER_NOT_FOUND' as const, field: 'Subject', rule: 'R-ORDER-FAX-FALLBACK', detail: 'no order Brygga sent by mail answers to the token in the subject' }],
  deadLetterId: 'dl-1',
};

interface Adapter {
  name: string;
  open(): Store;
  cleanup(): Promise<void>;
}

function embedded(): Adapter {
  const dir = mkdtempSync(join(tmpdir(), 'brygga-review-'));
  return { name: 'embedded', open: () => new EmbeddedStore({ dataDir: dir }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

function redis(): Adapter {
  const prefix = `review-${randomUUID().slice(0, 8)}:`;
  return { name: 'redis', open: () => new RedisStore({ redis: inject('redisUrl'), prefix }), cleanup: async () => void (await deleteKeysWithPrefix(inject('redisUrl'), prefix)) };
}

describe.each([embedded, redis])('review list on the %o store', (make) => {
  const adapter = make();
  afterAll(() => adapter.cleanup());

  it('keeps a refused message once, with its bytes, across a restart; the first decision stands', async () => {
    let store = adapter.open();
    const reviews = new ReviewList(store);
    const first = await reviews.record(REFUSED);
    // Read again after a crash before the mail was moved: the same item.
    const again = await reviews.record(REFUSED);
    expect(again.id).toBe(first.id);
    expect(first).toMatchObject({ system: 'mail', status: 'open', receivedAt: '2026-11-24T09:12:00.000Z', sizeBytes: MAIL.length, deadLetterId: 'dl-1' });
    expect(await reviews.list()).toHaveLength(1);
    await store.close();

    store = adapter.open();
    const reopened = new ReviewList(store);
    expect((await reopened.list('open')).map((i) => i.id)).toEqual([first.id]);
    expect((await reopened.original(first.id))?.equals(MAIL)).toBe(true);

    const at = '2026-11-24T10:00:00.000Z';
    const [dismissed, attached] = await Promise.all([
      reopened.decide(first.id, { status: 'dismissed', by: 'avg-1', at, reason: 'not a reply' }),
      reopened.decide(first.id, { status: 'attached', by: 'avg-2', at, orderId: 'ord-1', eventIds: ['e1'] }),
    ]);
    expect([dismissed.decided, attached.decided].filter(Boolean)).toHaveLength(1);
    const standing = dismissed.decided ? 'dismissed' : 'attached';
    expect(dismissed.item.status).toBe(standing);
    expect(attached.item.status).toBe(standing);
    expect(await reopened.list('open')).toEqual([]);
    expect((await reopened.list(standing))[0]?.decision).toMatchObject({ status: standing, at });
    await store.close();
  });
});

describe('brygga review (embedded store)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'brygga-cli-review-'));
  const entry = fileURLToPath(new URL('../../scripts/brygga.mjs', import.meta.url));
  // The embedded bus and store in the data directory, whatever the test run's Kafka and Redis.
  const { KAFKA_BROKERS: _kafka, REDIS_URL: _redis, ...env } = process.env;
  const run = async (...args: string[]): Promise<{ out: string; err: string; code: number }> => {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [entry, 'review', ...args], { env: { ...env, BRYGGA_DATA_DIR: dataDir } });
      return { out: stdout, err: stderr, code: 0 };
    } catch (error) {
      const e = error as { stdout: string; stderr: string; code: number };
      return { out: e.stdout, err: e.stderr, code: e.code };
    }
  };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lists, dismisses (recorded) and refuses a second decision with a one-line error and its code', async () => {
    // A data directory Brygga ran in holds its event log too; the CLI refuses one without it.
    mkdirSync(join(dataDir, 'bus'));
    const store = new EmbeddedStore({ dataDir: join(dataDir, 'store') });
    const { id } = await new ReviewList(store).record(REFUSED);
    await store.close();

    const listed = await run('list');
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(`${id}  open`);
    expect(listed.out).toContain('BRY_ORDER_NOT_FOUND Subject (R-ORDER-FAX-FALLBACK)');

    const dismissed = await run('dismiss', id, '--reason', 'advertising, not a reply', '--by', 'avg-handl-1');
    expect(dismissed.code).toBe(0);
    expect(dismissed.out).toMatch(new RegExp(`^${id}  dismissed .*\\| dismissed by avg-handl-1 at \\S+: advertising, not a reply\\n$`));

    const json = JSON.parse((await run('list', '--status', 'dismissed', '--format', 'json')).out) as { total: number; items: { id: string; decision: { by: string } }[] };
    expect(json.total).toBe(1);
    expect(json.items[0]).toMatchObject({ id, decision: { by: 'avg-handl-1' } });

    const refused = await run('attach', id, '--order', 'B-2026-5531', '--by', 'avg-handl-2');
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/^error: BRY_REVIEW_DECIDED: this message was already dismissed by avg-handl-1 at \S+\n$/);

    const unknown = await run('dismiss', 'rv-00000000000000000000', '--reason', 'test', '--by', 'avg-handl-1');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toBe('error: BRY_NOT_FOUND: no message with that id in the review list\n');
  }, 60_000);
});
