// `brygga start` as a child process on a fixed port (senders keep posting to it across restarts),
// its stdout (pino JSON) appended to one log file over all its lives.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { inheritedEnv } from '../support/brygga-process.ts';
import { whileRunning } from './infra.ts';

export class BryggaChild {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  /** Lives started, failed starts (e.g. while the broker was down). */
  starts = 0;
  failedStarts = 0;

  private readonly log: WriteStream;

  constructor(
    private readonly env: Record<string, string>,
    logFile: string,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
    this.forget = whileRunning(() => this.child?.kill('SIGKILL'));
  }

  private readonly forget: () => void;

  get up(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts Brygga, trying again until it is up or `timeoutMs` has passed. */
  async start(timeoutMs = 180_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.startOnce();
        this.starts++;
        return;
      } catch (error) {
        this.failedStarts++;
        if (Date.now() > until) throw error;
        this.note(`start failed (${(error as Error).message.slice(0, 300)}); trying again`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  async kill(): Promise<void> {
    if (!this.up) return;
    this.note('SIGKILL');
    this.child!.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<void> {
    if (this.up) this.child!.kill('SIGTERM');
    await this.exited;
    this.forget();
    await new Promise((resolve) => this.log.end(resolve));
  }

  private note(what: string): void {
    this.log.write(`${JSON.stringify({ chaos: what, time: Date.now() })}\n`);
  }

  private startOnce(): Promise<void> {
    const child = (this.child = spawn(process.execPath, ['scripts/brygga.mjs', 'start'], {
      env: { ...inheritedEnv(), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const capture = process.env.BRYGGA_TEST_LOG_FILE;
    const stderr: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr.push(chunk.toString());
      this.log.write(chunk);
    });
    return new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        this.log.write(`${line}\n`);
        if (capture) appendFileSync(capture, `${line}\n`);
        if (line.includes('"Brygga started"')) resolve();
      });
      child.once('exit', (code, signal) => reject(new Error(`brygga exited (${code ?? signal}) before it started: ${stderr.join('').slice(-1000)}`)));
    });
  }
}
