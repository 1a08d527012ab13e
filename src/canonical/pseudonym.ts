// The pseudonymous client id: stable per personnummer and key, so events about one client can
// be joined and routed without carrying the personnummer.
import { createHmac } from 'node:crypto';

/** `cl-` + the first 16 hex digits of HMAC-SHA256(key, personnummer) (12 digits, normalised). */
export function clientIdFor(personnummer12: string, key: string): string {
  return `cl-${createHmac('sha256', key).update(personnummer12).digest('hex').slice(0, 16)}`;
}
