// POSTs a delivery to a receiving system's endpoint over node:http / node:https, keeping its
// connections open between deliveries. One poster per channel, so one Agent per endpoint origin.
// The global fetch (undici, web streams, AbortSignal.timeout) cost about 15 % of Brygga's CPU here.
import http from 'node:http';
import https from 'node:https';

export interface HttpAnswer {
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

/** A 2xx status: the receiver took the request (a 3xx is not followed: a receiver's endpoint is configured as it is). */
export const isSuccessful = (status: number): boolean => status >= 200 && status < 300;

/** The whole request, connect to the answer's last byte, took longer than `timeoutMs`. */
export class HttpTimeout extends Error {
  override readonly name = 'TimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/** The receiver began answering (status and headers came), but the body broke off; `cause` says why. */
export class AnswerBrokeOff extends Error {
  override readonly name = 'AnswerBrokeOff';
  constructor(readonly status: number, cause: unknown) {
    super(`the answer (HTTP ${status}) broke off`, { cause });
  }
}

/**
 * An idle connection is closed after this (or before the server's Keep-Alive: timeout hint), under
 * the 5 s of Node servers, so that a POST does not go out on a connection the server is closing.
 * The Agent applies it to idle sockets only; an attempt under way is bounded by its own timeout.
 */
const IDLE_SOCKET_MS = 4000;

export interface HttpPosterOptions {
  endpoint: string;
  timeoutMs: number;
}

export class HttpPoster {
  private readonly url: URL;
  private readonly transport: typeof http | typeof https;
  // No maxSockets: the delivery lane already makes at most delivery.concurrency attempts at once
  // per system, one socket each; a cap here could only make an attempt wait inside its timeout.
  // Idle sockets are unref'd by the Agent, so they never keep a stopped process alive.
  private readonly agent: http.Agent;

  constructor(private readonly options: HttpPosterOptions) {
    this.url = new URL(options.endpoint);
    const secure = this.url.protocol === 'https:';
    this.transport = secure ? https : http;
    const agentOptions = { keepAlive: true, timeout: IDLE_SOCKET_MS };
    this.agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  /**
   * Rejects with the network's error (its `code`: ECONNREFUSED, ECONNRESET, ...) or HttpTimeout
   * when no answer came, or AnswerBrokeOff when the answer began but did not finish.
   */
  post(body: Buffer, headers: Record<string, string>): Promise<HttpAnswer> {
    const { timeoutMs } = this.options;
    return new Promise((resolve, reject) => {
      let answer: http.IncomingMessage | undefined;
      let settled = false;
      const fail = (cause: unknown): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.destroy();
        reject(answer ? new AnswerBrokeOff(answer.statusCode ?? 0, cause) : cause);
      };
      const timer = setTimeout(() => fail(new HttpTimeout(timeoutMs)), timeoutMs);
      const request = this.transport.request(this.url, {
        method: 'POST',
        agent: this.agent,
        headers: { ...headers, 'content-length': String(body.length) },
      });
      request.on('error', fail);
      request.on('response', (response) => {
        answer = response;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', fail);
        response.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'], body: Buffer.concat(chunks) });
        });
        response.on('close', () => {
          if (!response.complete) fail(Object.assign(new Error('the connection closed before the answer was complete'), { code: 'ECONNRESET' }));
        });
      });
      request.end(body);
    });
  }

  /** Closes the kept-open connections; the poster is not used afterwards. */
  close(): void {
    this.agent.destroy();
  }
}
