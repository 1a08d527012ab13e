// pino JSON logs with personal data redacted at the source (socialtjänstsekretess): any field
// that can hold a personnummer or a person's name is censored wherever it appears.
import { pino, type DestinationStream, type Logger } from 'pino';

export const REDACTED_PATHS = [
  'personnummer', '*.personnummer', '*.*.personnummer', '*.*.*.personnummer',
  'client', '*.client', '*.*.client', '*.*.*.client',
  'nextOfKin', '*.nextOfKin', '*.*.nextOfKin', '*.*.*.nextOfKin',
  'name', '*.name', '*.*.name',
  'body', '*.body', 'originalBase64', '*.originalBase64',
  'req.headers.authorization', 'req.headers.cookie',
];

/** A run of digits as long as a personnummer's birth date, in any form the formats allow. */
const DIGIT_RUN = /\d{6,}(?:[-+]\d+)?/g;

/**
 * A request URL as logged: a path segment may be a personnummer someone typed (GET
 * /api/orders/19121212-1212), a query value anything, so long digit runs and every query value
 * are censored; parameter names stay for the operator.
 */
export function urlForLog(url: string): string {
  const [path = '', query] = url.split('?', 2);
  const safePath = path.replace(DIGIT_RUN, '[redacted]');
  if (query === undefined) return safePath;
  const names = query.split('&').filter(Boolean).map((pair) => `${pair.split('=', 1)[0]!.replace(DIGIT_RUN, '[redacted]')}=…`);
  return `${safePath}?${names.join('&')}`;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      // Fastify's request serializer but for the URL (an instance's serializers take precedence).
      serializers: {
        req: (req: LoggedRequest) => ({
          method: req.method, url: req.url === undefined ? undefined : urlForLog(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort,
        }),
      },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: 'brygga' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
