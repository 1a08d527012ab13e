// Runs `brygga start` as a child process (so a test can SIGKILL it), its log lines captured.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface BryggaProcess {
  url: string;
  child: ChildProcess;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The test run's environment for a Brygga child, without its adapters: Kafka and Redis only when
 * the test asks, so the run's own KAFKA_BROKERS/REDIS_URL never turn an embedded test into a Kafka one.
 */
export function inheritedEnv(): NodeJS.ProcessEnv {
  const { KAFKA_BROKERS: _k, REDIS_URL: _r, BRYGGA_REDIS_PREFIX: _p, ...inherited } = process.env;
  return inherited;
}

/** `cwd`: the folder holding `scripts/brygga.mjs`, the checkout unless given. */
export async function spawnBrygga(env: Record<string, string>, options: { cwd?: string } = {}): Promise<BryggaProcess> {
  const child = spawn(process.execPath, ['scripts/brygga.mjs', 'start'], {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: { ...inheritedEnv(), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const capture = process.env.BRYGGA_TEST_LOG_FILE;
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (capture) appendFileSync(capture, `${line}\n`);
      if (line.includes('"Brygga started"')) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`brygga exited (${code}) before it started: ${stderr.join('').slice(-2000)}`)));
  });
  return {
    url,
    child,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
