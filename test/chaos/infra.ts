// The chaos run's own Kafka broker and Redis, so it can restart them without disturbing anyone
// else's: a broker from scripts/kafka-local on a free port with its own state directory, and a
// redis-server on a free port that persists with AOF (appendfsync always), as production Redis must.
import { redisAnswers } from '../support/infra.ts';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const KAFKA_LOCAL = fileURLToPath(new URL('../../scripts/kafka-local', import.meta.url));

/** What is still running, to be ended at once when the run is interrupted (see `endEverything`). */
const running = new Set<() => void>();
export function whileRunning(end: () => void): () => void {
  running.add(end);
  return () => running.delete(end);
}
/** Ends every broker, Redis and Brygga this process started (on SIGINT or SIGTERM). */
export function endEverything(): void {
  for (const end of running) {
    try {
      end();
    } catch {
      // ending the rest matters more
    }
  }
  running.clear();
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port (and, with `pair`, the one after it free too: the broker's controller port). */
export async function freePort(pair = false): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await portIsFree(port)) && (!pair || (await portIsFree(port + 1)))) return port;
  }
  throw new Error('no free port found');
}

export class OwnKafka {
  readonly dir = mkdtempSync(join(tmpdir(), 'brygga-chaos-kafka-'));
  private readonly forget: () => void;
  private constructor(readonly port: number) {
    this.forget = whileRunning(() => {
      this.script('stop');
      rmSync(this.dir, { recursive: true, force: true });
    });
  }

  static async start(): Promise<OwnKafka> {
    const kafka = new OwnKafka(await freePort(true));
    kafka.script('start');
    return kafka;
  }

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** A clean stop (SIGTERM) and a start on the same port and the same log directories. */
  restart(downMs: number): Promise<void> {
    this.script('stop');
    return new Promise((resolve) => setTimeout(() => resolve(this.script('start')), downMs));
  }

  async stop(): Promise<void> {
    this.script('stop');
    this.forget();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private script(command: 'start' | 'stop'): void {
    const result = spawnSync('bash', [KAFKA_LOCAL, command], {
      env: { ...process.env, KAFKA_LOCAL_PORT: String(this.port), KAFKA_LOCAL_DIR: this.dir },
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (result.status !== 0) throw new Error(`scripts/kafka-local ${command} failed (exit ${result.status}): ${result.stderr.slice(-2000)}`);
  }
}

export class OwnRedis {
  readonly dir = mkdtempSync(join(tmpdir(), 'brygga-chaos-redis-'));
  private child?: ChildProcess;
  private readonly forget: () => void;
  private constructor(readonly port: number) {
    this.forget = whileRunning(() => {
      this.child?.kill('SIGKILL');
      rmSync(this.dir, { recursive: true, force: true });
    });
  }

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    await redis.launch();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  /** SIGKILL (nothing flushed at exit: what survives is what AOF already fsynced), then a start on the same AOF. */
  async restart(downMs: number): Promise<void> {
    await this.kill();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.launch();
  }

  async stop(): Promise<void> {
    await this.kill();
    this.forget();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  private async launch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
    const child = (this.child = spawn('redis-server', args, { stdio: 'ignore' }));
    const failed = new Promise<never>((_, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) on port ${this.port}`)));
    });
    failed.catch(() => {});
    const ready = (async () => {
      for (const until = Date.now() + 30_000; Date.now() < until; ) {
        if (await redisAnswers(this.url)) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`redis-server on port ${this.port} did not answer PING`);
    })();
    await Promise.race([ready, failed]);
  }
}

