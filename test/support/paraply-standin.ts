// A stand-in for Paraplysystemet's SOAP endpoint: a real HTTP server on loopback that keeps every
// request as it came (headers and bytes) and answers what the test sets: a SOAP response, a
// client or server Fault, anything else, or nothing for a while.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ParaplyAnswer {
  status: number;
  contentType?: string;
  body: Buffer | string;
  /** Wait this long before answering (a slow Paraply). */
  delayMs?: number;
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export class ParaplyStandIn {
  readonly received: ReceivedRequest[] = [];
  private answer: ParaplyAnswer = { status: 200, contentType: 'text/xml; charset=utf-8', body: okResponse('PAR-K-1') };
  private server?: Server;
  url = '';

  answerWith(answer: ParaplyAnswer): void {
    this.answer = answer;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
        const { status, contentType, body, delayMs } = this.answer;
        const send = () => {
          if (contentType) response.setHeader('content-type', contentType);
          response.writeHead(status).end(body);
        };
        if (delayMs) setTimeout(send, delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/paraply/soap`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A SOAP 1.1 response with an Id, as Paraply answers a Kvittens it took. */
export function okResponse(id: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:par="urn:stockholm:paraply:bestallning:v1">
  <soapenv:Body><par:KvittensResponse><par:Id>${id}</par:Id></par:KvittensResponse></soapenv:Body>
</soapenv:Envelope>
`;
}
