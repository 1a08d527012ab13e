// How one order is named across systems. An order keeps the reference of the system it came from
// (its home). Another system is given that reference prefixed with the home system
// (`paraply:P-2026-0042`); the prefix comes back in that system's replies and leads to the same
// Brygga order, and the home system always sees its own reference again. No lookup is needed, so
// parsing stays a pure function and a rebuild replays alike.
import { orderIdFor } from './envelope.ts';

/** A home-system prefix: lower-case letters, then a colon. */
const PREFIXED = /^([a-z]{2,20}):(.+)$/s;

interface Origin {
  system: string;
  reference: string;
}

/** The order's home system and its reference there. */
export function homeOf(origin: Origin): Origin {
  const prefixed = PREFIXED.exec(origin.reference);
  return prefixed ? { system: prefixed[1]!, reference: prefixed[2]! } : origin;
}

/** Brygga's order id for a reference a system sent: its own, or another system's, prefixed. */
export function orderIdOf(system: string, reference: string): string {
  const home = homeOf({ system, reference });
  return orderIdFor(home.system, home.reference);
}

/** The reference `system` knows the order by: its own as it is, another system's prefixed. */
export function referenceFor(system: string, origin: Origin): string {
  const home = homeOf(origin);
  return home.system === system ? home.reference : `${home.system}:${home.reference}`;
}

/** The event's data with `origin.reference` as `system` knows it (for rendering to that system). */
export function withReferenceFor<T>(system: string, data: T): T {
  const origin = (data as { origin?: Partial<Origin> }).origin;
  if (!origin?.system || !origin.reference) return data;
  return { ...data, origin: { ...origin, reference: referenceFor(system, origin as Origin) } };
}
