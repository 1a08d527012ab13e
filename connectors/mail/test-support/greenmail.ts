// Starts GreenMail's standalone server (SMTP and IMAP in one process, from Maven Central) on
// free ports of 127.0.0.1 for the mail connector's tests: fetches the jar once with Maven into the
// temporary folder, then waits until both ports answer. Users named in `users` log in with their
// password; mail to any other address creates that mailbox, whose login and password are the address.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';

const HERE = new URL('./greenmail/', import.meta.url).pathname;

export interface GreenMail {
  smtpPort: number;
  imapPort: number;
  stop(): Promise<void>;
}

/** The standalone jar of greenmail/pom.xml, fetched once per pom version. */
export function greenMailJar(): string {
  const pom = readFileSync(join(HERE, 'pom.xml'));
  const lib = join(tmpdir(), 'brygga-greenmail', createHash('sha256').update(pom).digest('hex').slice(0, 12));
  if (!existsSync(join(lib, '.complete'))) {
    mkdirSync(lib, { recursive: true });
    const fetched = spawnSync('mvn', ['-q', '-B', '-f', join(HERE, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${lib}`], { encoding: 'utf8', timeout: 600_000 });
    if (fetched.status !== 0) throw new Error(`mvn could not fetch GreenMail: ${fetched.stderr || fetched.stdout || fetched.error?.message}`);
    writeFileSync(join(lib, '.complete'), '');
  }
  const jar = readdirSync(lib).find((name) => /^greenmail-standalone-.*\.jar$/.test(name));
  if (!jar) throw new Error(`no greenmail-standalone jar in ${lib}`);
  return join(lib, jar);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const answers = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

export async function startGreenMail(users: Array<{ login: string; password: string; email: string }>): Promise<GreenMail> {
  const [smtpPort, imapPort] = [await freePort(), await freePort()];
  const child: ChildProcess = spawn(
    'java',
    [
      `-Dgreenmail.smtp.hostname=127.0.0.1`, `-Dgreenmail.smtp.port=${smtpPort}`,
      `-Dgreenmail.imap.hostname=127.0.0.1`, `-Dgreenmail.imap.port=${imapPort}`,
      `-Dgreenmail.users=${users.map((u) => `${u.login}:${u.password}@${u.email.split('@')[1]}`).join(',')}`,
      '-jar', greenMailJar(),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const until = Date.now() + 90_000;
  while (!((await answers(smtpPort)) && (await answers(imapPort)))) {
    if (child.exitCode !== null) throw new Error(`GreenMail exited (${child.exitCode}): ${output}`);
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`GreenMail did not answer within 90 s: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    smtpPort,
    imapPort,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Every message in a mailbox's folder, parsed, read over IMAP. */
export async function mailboxOf(greenMail: GreenMail, user: string, pass: string, folder = 'INBOX') {
  const client = new ImapFlow({ host: '127.0.0.1', port: greenMail.imapPort, secure: false, auth: { user, pass }, logger: false });
  await client.connect();
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      const uids = (await client.search({ all: true }, { uid: true })) || [];
      const out = [];
      for (const uid of uids) {
        const message = await client.fetchOne(String(uid), { source: true, flags: true }, { uid: true });
        if (message && message.source) out.push({ parsed: await simpleParser(message.source), flags: message.flags, raw: message.source });
      }
      return out;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}
