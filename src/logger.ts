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

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: 'brygga' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
