// A real HTTP server standing in for Lifecare's integration endpoint. Like Lifecare it answers
// <Kvitto><MeddelandeId>… and treats a repeated MeddelandeId as the same message.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLParser } from 'fast-xml-parser';

/**
 * normal: store and answer; hang: answer nothing, store nothing; store-then-hang: store, answer
 * nothing; unavailable: answer 503; refuse: answer 400 (Lifecare refuses the message).
 */
export type StandInMode = 'normal' | 'hang' | 'store-then-hang' | 'unavailable' | 'refuse';

export interface ReceivedMessage {
  meddelandeId: string;
  typ: string;
  mottagare: { typ?: string; id?: string; name?: string };
  beslutsId?: string;
  xml: string;
  /** performance.now() when it first arrived. */
  receivedAt: number;
}

const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, trimValues: true });

function summarise(xml: string): ReceivedMessage {
  const doc = parser.parse(xml) as { Meddelande: { Huvud: Record<string, unknown>; Arende?: Record<string, unknown> } };
  const huvud = doc.Meddelande.Huvud;
  const mottagare = huvud.Mottagare as Record<string, string | undefined> | string | undefined;
  const m: Record<string, string | undefined> = typeof mottagare === 'object' ? mottagare : { '#text': mottagare };
  return {
    meddelandeId: String(huvud.MeddelandeId),
    typ: String(huvud.Typ),
    mottagare: { typ: m?.['@typ'], id: m?.['@id'], name: m?.['#text'] },
    beslutsId: doc.Meddelande.Arende?.BeslutsId as string | undefined,
    xml,
    receivedAt: performance.now(),
  };
}

export class LifecareStandIn {
  mode: StandInMode = 'normal';
  /** Answers 503 to the messages it matches, whatever the mode (one inbox down, the rest fine). */
  unavailableFor?: (message: ReceivedMessage) => boolean;
  /** Answers 400 to the messages it matches, as Lifecare refuses a recipient it does not know. */
  refuseFor?: (message: ReceivedMessage) => boolean;
  /** Every POST, including repeats. */
  readonly posts: string[] = [];
  /** Messages held, one per MeddelandeId. */
  readonly messages = new Map<string, ReceivedMessage>();
  private readonly hanging: ServerResponse[] = [];
  private server?: Server;

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/lifecare/meddelanden`;
  }

  /** Messages held for one recipient name or id. */
  to(recipient: string): ReceivedMessage[] {
    return [...this.messages.values()].filter((m) => m.mottagare.name === recipient || m.mottagare.id === recipient);
  }

  async stop(): Promise<void> {
    for (const res of this.hanging.splice(0)) res.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const xml = Buffer.concat(chunks).toString('utf8');
    if (this.mode === 'hang') {
      this.posts.push('(hung)');
      this.hanging.push(res);
      return;
    }
    if (this.mode === 'unavailable' || this.mode === 'refuse') {
      this.posts.push(`(${this.mode})`);
      res.writeHead(this.mode === 'unavailable' ? 503 : 400).end();
      return;
    }
    const message = summarise(xml);
    if (this.unavailableFor?.(message)) {
      this.posts.push('(unavailable)');
      res.writeHead(503).end();
      return;
    }
    if (this.refuseFor?.(message)) {
      this.posts.push('(refused)');
      res.writeHead(400).end();
      return;
    }
    this.posts.push(message.meddelandeId);
    if (!this.messages.has(message.meddelandeId)) this.messages.set(message.meddelandeId, message);
    if (this.mode === 'store-then-hang') {
      this.hanging.push(res);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><Kvitto><MeddelandeId>${message.meddelandeId}</MeddelandeId></Kvitto>`);
  }
}
