// Starts a real SSH server with SFTP (Apache MINA SSHD from Maven Central) on 127.0.0.1 for the
// Treserva tests: fetches the jars once with Maven into the temporary folder, then runs
// sshd/LoopbackSshd.java on a free port (or a given one, to restart it where it was).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const HERE = new URL('./sshd/', import.meta.url).pathname;

export interface Sshd {
  port: number;
  stop(): Promise<void>;
}

/** The jars of sshd/pom.xml, fetched once per pom version. */
export function sshdClasspath(): string {
  const pom = readFileSync(join(HERE, 'pom.xml'));
  const lib = join(tmpdir(), 'brygga-treserva-sshd', createHash('sha256').update(pom).digest('hex').slice(0, 12));
  if (!existsSync(join(lib, '.complete'))) {
    mkdirSync(lib, { recursive: true });
    const fetched = spawnSync('mvn', ['-q', '-B', '-f', join(HERE, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${lib}`], { encoding: 'utf8', timeout: 600_000 });
    if (fetched.status !== 0) throw new Error(`mvn could not fetch Apache MINA SSHD: ${fetched.stderr || fetched.stdout || fetched.error?.message}`);
    writeFileSync(join(lib, '.complete'), '');
  }
  return `${lib}/*`;
}

export async function startSshd(options: { root: string; user: string; password: string; hostKeyFile: string; port?: number }): Promise<Sshd> {
  const child: ChildProcess = spawn(
    'java',
    ['-cp', sshdClasspath(), join(HERE, 'LoopbackSshd.java'), options.root, options.user, options.password, options.hostKeyFile, String(options.port ?? 0)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the SSH server did not start within 90 s: ${stderr}`)), 90_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const found = /^LISTENING (\d+)$/.exec(line);
      if (found) {
        clearTimeout(timer);
        resolve(Number(found[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the SSH server exited (${code}): ${stderr}`));
    });
  });
  return {
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
