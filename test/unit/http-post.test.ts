// The delivery channels' HTTP POST against real local node:http / node:https servers.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, Server as TlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { describeNoAnswer } from '../../src/routing/http-failure.ts';
import { AnswerBrokeOff, HttpPoster, HttpTimeout } from '../../src/routing/http-post.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

/** A local server answering with `handler`; counts the connections it accepted. */
async function serve(handler: Handler, server: Server = createServer()) {
  let connections = 0;
  const closeListeners: (() => void)[] = [];
  server.on('connection', (socket) => {
    connections++;
    socket.on('close', () => closeListeners.forEach((listener) => listener()));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const scheme = server instanceof TlsServer ? 'https' : 'http';
  return {
    url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}/in`,
    connections: () => connections,
    onConnectionClosed: (listener: () => void) => void closeListeners.push(listener),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function posterTo(handler: Handler, timeoutMs = 2000) {
  const server = await serve(handler);
  const poster = new HttpPoster({ endpoint: server.url, timeoutMs });
  cleanup.push(server.close, () => poster.close());
  return { server, poster };
}

const failureOf = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => expect.fail('expected the post to fail'), (error: unknown) => error);

describe('HttpPoster', () => {
  it('posts the body with its headers and reads the whole answer', async () => {
    let seen: { method?: string; headers?: IncomingMessage['headers']; body?: Buffer } = {};
    const { poster } = await posterTo((req, res, body) => {
      seen = { method: req.method, headers: req.headers, body };
      res.writeHead(201, { 'content-type': 'application/xml; charset=utf-8' });
      res.write('<Kvitto>');
      res.end('<MeddelandeId>BRY-1</MeddelandeId></Kvitto>');
    });
    const answer = await poster.post(Buffer.from('<Meddelande/>'), { 'content-type': 'application/xml; charset=utf-8', soapaction: '"urn:x/Kvittens"' });
    expect(answer).toEqual({ status: 201, contentType: 'application/xml; charset=utf-8', body: Buffer.from('<Kvitto><MeddelandeId>BRY-1</MeddelandeId></Kvitto>') });
    expect(seen.method).toBe('POST');
    expect(seen.headers).toMatchObject({ 'content-type': 'application/xml; charset=utf-8', soapaction: '"urn:x/Kvittens"', 'content-length': '13' });
    expect(seen.body!.toString()).toBe('<Meddelande/>');
  });

  it('answers other than 2xx are answers too: status and body, for the channel to judge', async () => {
    const { poster } = await posterTo((_req, res) => res.writeHead(503, { 'content-type': 'text/html' }).end('<h1>down</h1>'));
    const answer = await poster.post(Buffer.from('x'), {});
    expect({ status: answer.status, contentType: answer.contentType, body: answer.body.toString() }).toEqual({ status: 503, contentType: 'text/html', body: '<h1>down</h1>' });
  });

  it('keeps the connection open: a second request goes over the same one', async () => {
    const { server, poster } = await posterTo((_req, res) => res.end('ok'));
    await poster.post(Buffer.from('1'), {});
    await poster.post(Buffer.from('2'), {});
    await poster.post(Buffer.from('3'), {});
    expect(server.connections()).toBe(1);
  });

  it('lets an idle connection go after about 4 s, before a Node server (5 s) would close it under a new request', async () => {
    const server = await serve((_req, res) => res.end('ok'), Object.assign(createServer(), { keepAliveTimeout: 60_000 }));
    const poster = new HttpPoster({ endpoint: server.url, timeoutMs: 2000 });
    cleanup.push(server.close, () => poster.close());
    const closed = new Promise<number>((resolve) => server.onConnectionClosed(() => resolve(performance.now())));
    await poster.post(Buffer.from('1'), {});
    const answeredAt = performance.now();
    expect((await closed) - answeredAt).toBeGreaterThan(3500);
  });

  it('a receiver that never answers: HttpTimeout, which operators read as "no answer within N ms"', async () => {
    const hanging: ServerResponse[] = [];
    const { poster } = await posterTo((_req, res) => void hanging.push(res), 200);
    const started = performance.now();
    const error = await failureOf(poster.post(Buffer.from('x'), {}));
    expect(error).toBeInstanceOf(HttpTimeout);
    expect(performance.now() - started).toBeLessThan(1500);
    expect(describeNoAnswer(error, 200)).toBe('no answer within 200 ms');
  });

  it('the timeout covers the body too: an answer whose body stops coming broke off, by the timeout', async () => {
    const { poster } = await posterTo((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('only the start');
    }, 200);
    const error = await failureOf(poster.post(Buffer.from('x'), {}));
    expect(error).toBeInstanceOf(AnswerBrokeOff);
    expect(describeNoAnswer(error, 200)).toBe('no answer within 200 ms');
  });

  it('nothing listening: the system code ECONNREFUSED', async () => {
    const gone = await serve(() => undefined);
    await gone.close();
    const poster = new HttpPoster({ endpoint: gone.url, timeoutMs: 2000 });
    cleanup.push(() => poster.close());
    const error = await failureOf(poster.post(Buffer.from('x'), {}));
    expect(error).not.toBeInstanceOf(AnswerBrokeOff);
    expect(describeNoAnswer(error, 2000)).toBe('ECONNREFUSED');
  });

  it('a connection reset in the middle of the body: AnswerBrokeOff, ECONNRESET', async () => {
    const { poster } = await posterTo((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('<Kvitto><Medd', () => res.socket!.destroy());
    });
    const error = await failureOf(poster.post(Buffer.from('x'), {}));
    expect(error).toBeInstanceOf(AnswerBrokeOff);
    expect(describeNoAnswer(error, 2000)).toBe('ECONNRESET');
  });

  it('a connection closed before any answer: ECONNRESET, not a broken-off answer', async () => {
    const { poster } = await posterTo((req) => req.socket.destroy());
    const error = await failureOf(poster.post(Buffer.from('x'), {}));
    expect(error).not.toBeInstanceOf(AnswerBrokeOff);
    expect(describeNoAnswer(error, 2000)).toBe('ECONNRESET');
  });
});

describe('HttpPoster over https', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brygga-https-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const key = readFileSync(join(dir, 'key.pem'), 'utf8');
  const defaultCas = tls.getCACertificates('default');
  afterAll(() => {
    tls.setDefaultCACertificates(defaultCas);
    rmSync(dir, { recursive: true, force: true });
  });

  it('an https: endpoint is spoken to over TLS, checked against the trusted certificates', async () => {
    const server = await serve((_req, res, body) => res.end(`got ${body.toString()}`), createTlsServer({ cert, key }));
    const poster = new HttpPoster({ endpoint: server.url, timeoutMs: 2000 });
    cleanup.push(server.close, () => poster.close());
    expect(describeNoAnswer(await failureOf(poster.post(Buffer.from('x'), {})), 2000)).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');

    tls.setDefaultCACertificates([...defaultCas, cert]);
    const trusting = new HttpPoster({ endpoint: server.url, timeoutMs: 2000 });
    cleanup.push(() => trusting.close());
    expect((await trusting.post(Buffer.from('secret'), {})).body.toString()).toBe('got secret');
    await trusting.post(Buffer.from('again'), {});
    expect(server.connections()).toBe(2);
  });
});
