// The whole pipeline as it runs in production: `brygga start` as its own process (HTTP in → bus →
// router → delivery to a Lifecare stand-in: two deliveries per order, central inbox and
// coordinator), with the load generator and the stand-in in the bench's process, so they do
// not take Brygga's CPU time on its own thread.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG_FILE } from '../../src/config/settings.ts';
import { spawnBrygga, type BryggaProcess } from '../support/brygga-process.ts';
import { lifecareExample } from '../support/examples.ts';
import { postMessage } from '../support/http.ts';
import { LifecareStandIn } from '../support/lifecare-standin.ts';
import { waitFor } from '../support/wait.ts';

export interface PipelineOptions {
  kafkaBrokers?: string;
  redisUrl?: string;
  /** NODE_OPTIONS for the Brygga process (e.g. a heap cap); none when absent. */
  nodeOptions?: string;
  /** Another checkout to run Brygga from (its `scripts/brygga.mjs`), to compare code before and after. */
  cwd?: string;
}

const DELIVERIES_PER_ORDER = 2;

export class BenchPipeline {
  private readonly run = randomUUID().slice(0, 6);
  private sent = 0;

  private constructor(
    /** Before every Kafka topic of this run (records per order are counted on these). */
    readonly namespace: string,
    private readonly lifecare: LifecareStandIn,
    private readonly brygga: BryggaProcess,
    private readonly dataDir: string,
  ) {}

  static async start(options: PipelineOptions = {}): Promise<BenchPipeline> {
    const lifecare = new LifecareStandIn();
    await lifecare.start();
    const dataDir = mkdtempSync(join(tmpdir(), 'brygga-bench-'));
    const namespace = `bench-${randomUUID().slice(0, 8)}.`;
    const brygga = await spawnBrygga({
      LOG_LEVEL: 'info',
      BRYGGA_DATA_DIR: dataDir,
      BRYGGA_CONFIG: options.cwd ? join(options.cwd, 'config', 'brygga.example.yaml') : DEFAULT_CONFIG_FILE,
      LIFECARE_URL: lifecare.url,
      BRYGGA_PSEUDONYM_KEY: 'bench-pseudonym-key-0123456789',
      ...(options.kafkaBrokers ? { KAFKA_BROKERS: options.kafkaBrokers, BRYGGA_KAFKA_NAMESPACE: namespace } : {}),
      ...(options.nodeOptions ? { NODE_OPTIONS: options.nodeOptions } : {}),
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl, BRYGGA_REDIS_PREFIX: `bench-${randomUUID().slice(0, 8)}:` } : {}),
    }, options.cwd ? { cwd: options.cwd } : {});
    return new BenchPipeline(namespace, lifecare, brygga, dataDir);
  }

  /** Orders per second with `concurrency` senders each posting as soon as the last was accepted. */
  async throughput(orders: number, concurrency: number): Promise<number> {
    const bodies = this.bodies(orders);
    const before = this.lifecare.messages.size;
    const started = performance.now();
    let next = 0;
    const sender = async (): Promise<void> => {
      while (next < bodies.length) await this.post(bodies[next++]!.body);
    };
    await Promise.all(Array.from({ length: concurrency }, sender));
    await waitFor(() => this.lifecare.messages.size - before, (n) => n >= orders * DELIVERIES_PER_ORDER, 'every delivery', 900_000);
    return orders / ((performance.now() - started) / 1000);
  }

  /**
   * Milliseconds from an order's 202 to the last of its deliveries at the stand-in, at a steady
   * offered load (an order every 1000/ratePerSec ms, whatever the answers take).
   */
  async latency(ratePerSec: number, seconds: number): Promise<{ p50Ms: number; p99Ms: number; orders: number }> {
    const orders = Math.round(ratePerSec * seconds);
    const bodies = this.bodies(orders);
    const acceptedAt = new Map<string, number>();
    const begin = performance.now();
    const posts: Promise<void>[] = [];
    for (let i = 0; i < orders; i++) {
      const due = begin + (i * 1000) / ratePerSec;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const { id, body } = bodies[i]!;
      posts.push(this.post(body).then(() => void acceptedAt.set(id, performance.now())));
    }
    await Promise.all(posts);
    const ids = new Set(acceptedAt.keys());
    const arrivals = (): Map<string, number[]> => {
      const byOrder = new Map<string, number[]>();
      for (const m of this.lifecare.messages.values()) {
        if (m.beslutsId && ids.has(m.beslutsId)) byOrder.set(m.beslutsId, [...(byOrder.get(m.beslutsId) ?? []), m.receivedAt]);
      }
      return byOrder;
    };
    const complete = await waitFor(arrivals, (byOrder) => [...byOrder.values()].filter((a) => a.length >= DELIVERIES_PER_ORDER).length === orders, 'every delivery', 300_000);
    const latencies = [...complete].map(([id, at]) => Math.max(...at) - acceptedAt.get(id)!).sort((a, b) => a - b);
    const percentile = (p: number): number => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]!;
    return { p50Ms: percentile(50), p99Ms: percentile(99), orders };
  }

  /**
   * Waits until the Brygga process is back to its idle work (under a quarter of a core over a
   * second): after a throughput run, stages other than delivery (trace, deadlines) are still
   * catching up, and a latency measured meanwhile would time that backlog, not the offered load.
   */
  async settle(): Promise<void> {
    let window = { at: performance.now(), cpu: this.cpuSeconds() };
    let share = Number.POSITIVE_INFINITY;
    await waitFor(() => {
      const at = performance.now();
      if (at - window.at >= 1000) {
        const cpu = this.cpuSeconds();
        share = (cpu - window.cpu) / ((at - window.at) / 1000);
        window = { at, cpu };
      }
      return share;
    }, (s) => s < 0.25, 'the Brygga process to go idle (share of a core)', 300_000);
  }

  /** CPU seconds the Brygga process has used so far (user + system, all its threads). */
  cpuSeconds(): number {
    const fields = readFileSync(`/proc/${this.brygga.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  }

  /** The Brygga process's peak resident set (VmHWM), in MiB. */
  peakRssMb(): number {
    const status = readFileSync(`/proc/${this.brygga.child.pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
    return kb / 1024;
  }

  async stop(): Promise<void> {
    await this.brygga.stop();
    await this.lifecare.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Orders created now: a backdated one would be overdue on arrival and add an escalation to the work. */
  private bodies(count: number): { id: string; body: Buffer }[] {
    const createdAt = new Date();
    return Array.from({ length: count }, () => {
      const id = `B-${this.run}-${this.sent++}`;
      return { id, body: lifecareExample('bestallning.xml', { beslutsId: id, createdAt }) };
    });
  }

  private async post(body: Buffer): Promise<void> {
    const response = await postMessage(this.brygga.url, 'lifecare', body);
    if (response.status !== 202) throw new Error(`order refused: HTTP ${response.status} ${await response.text()}`);
  }
}
