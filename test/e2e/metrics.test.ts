// GET /metrics as Prometheus scrapes it, and GET /api/flow: per connector and route (inbox kind)
// received, refused, delivered, retried, dead-lettered and the end-to-end latency; open deadlines
// by kind and status; deliveries waiting and the oldest one's age per system; events routed.
// Labels carry systems, kinds and outcomes only: no ids, no personal data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import type { RunningBrygga } from '../../src/main.ts';
import { startTestBrygga, testSettings } from '../support/brygga.ts';
import { lifecareExample } from '../support/examples.ts';
import { getJson, postMessage } from '../support/http.ts';
import { LifecareStandIn } from '../support/lifecare-standin.ts';
import { waitFor } from '../support/wait.ts';

const COORDINATOR = 'ÄO Dagverksamhet Samordnare';

/** The value of one sample of the scrape, e.g. `brygga_deadlines{kind="kvittens",status="open"}`; undefined when absent. */
function sample(scrape: string, series: string): number | undefined {
  const line = scrape.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics (embedded)', () => {
  const lifecare = new LifecareStandIn();
  const clock = new ManualClock(Date.parse('2026-11-23T10:00:00+01:00'));
  let brygga: RunningBrygga;
  const scrape = async () => (await fetch(`${brygga.url}/metrics`)).text();

  beforeAll(async () => {
    await lifecare.start();
    // The coordinator's inbox is down: its delivery waits in the queue and is retried.
    lifecare.unavailableFor = (m) => m.mottagare.name === COORDINATOR;
    brygga = await startTestBrygga(testSettings('embedded', lifecare.url), clock);
    expect((await postMessage(brygga.url, 'lifecare', lifecareExample('bestallning.xml', { beslutsId: 'B-METRICS' }))).status).toBe(202);
    const refused = Buffer.from(lifecareExample('bestallning.xml', { beslutsId: 'B-METRICS-2' }).toString('utf8').replace(/<DagarPerVecka>[^<]*<\/DagarPerVecka>/, ''));
    expect((await postMessage(brygga.url, 'lifecare', refused)).status).toBe(400);
  });
  afterAll(async () => {
    await brygga?.stop();
    await lifecare.stop();
  });

  it('counts per connector and route, times the delivery end to end, and routes count', async () => {
    const text = await waitFor(scrape, (t) => sample(t, 'brygga_deliveries_total{system="lifecare",route="central",outcome="delivered"}') === 1
      && (sample(t, 'brygga_deliveries_total{system="lifecare",route="coordinator",outcome="retry"}') ?? 0) >= 1, 'the central delivery and the coordinator\'s retry');
    expect(sample(text, 'brygga_inbound_messages_total{connector="lifecare",outcome="accepted"}')).toBe(1);
    expect(sample(text, 'brygga_inbound_messages_total{connector="lifecare",outcome="refused"}')).toBe(1);
    expect(sample(text, 'brygga_dead_letters_total{stage="connector:lifecare"}')).toBe(1);
    expect(sample(text, 'brygga_routed_events_total{type="se.brygga.order.placed.v1"}')).toBe(1);
    expect(sample(text, 'brygga_delivery_latency_seconds_count{system="lifecare",route="central"}')).toBe(1);
    expect(text).toContain('brygga_delivery_latency_seconds_bucket{le="0.05",system="lifecare",route="central"}');
  });

  it('gauges the open deadlines by kind and status, and the waiting delivery\'s age', async () => {
    clock.advance(10 * 60_000);
    const text = await waitFor(scrape, (t) => (sample(t, 'brygga_oldest_undelivered_age_seconds{system="lifecare"}') ?? 0) >= 600, 'the oldest undelivered 10 minutes old');
    expect(sample(text, 'brygga_deadlines{kind="kvittens",status="open"}')).toBe(1);
    expect(sample(text, 'brygga_deadlines{kind="exec3m",status="open"}')).toBe(1);
    expect(sample(text, 'brygga_undelivered{system="lifecare"}')).toBe(1);
    // R-KVITTENS-3VD: registered Monday 23 Nov, warned one vardag before the last (Thursday 26 Nov).
    clock.set(Date.parse('2026-11-25T12:00:00+01:00'));
    const soon = await waitFor(scrape, (t) => sample(t, 'brygga_deadlines{kind="kvittens",status="due-soon"}') === 1, 'the kvittens due soon');
    expect(sample(soon, 'brygga_deadlines{kind="kvittens",status="open"}')).toBeUndefined();
  });

  it('carries no ids or personal data in labels, and /api/flow tells the same per system', async () => {
    const text = await scrape();
    for (const labels of text.matchAll(/\{([^}]*)\}/g)) expect(labels[1]).not.toMatch(/ord-|B-METRICS|1212|Tolvan|bih-/);
    const { systems } = await getJson<{ systems: Array<Record<string, number | string>> }>(`${brygga.url}/api/flow`);
    const flow = systems.find((s) => s.system === 'lifecare')!;
    expect(flow).toMatchObject({ received: 1, refused: 1, delivered: 1, failed: 0, waiting: 1 });
    expect(flow.retried).toBeGreaterThanOrEqual(1);
    expect(flow.oldestUndeliveredSeconds).toBeGreaterThanOrEqual(600);
  });
});
