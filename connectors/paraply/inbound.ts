// Paraply → canonical: one SOAP request (Bestallning, Avslut) becomes its canonical event, read
// with the mapping table through the safe XML input. Every failing field is collected and
// reported at once, by path and rule, never by value (the values are personal data).
import type { CloudEvent } from '../../src/canonical/envelope.ts';
import { orderIdOf } from '../../src/canonical/references.ts';
import { parseXmlDocument, type XmlElement } from '../../src/canonical/xml-input.ts';
import type { ParseContext } from '../../src/connectors/connector.ts';
import { addClientId, canonicalEvent } from '../../src/connectors/xml-mapping/event.ts';
import { DERIVED, related, schemaFindings } from '../../src/connectors/xml-mapping/findings.ts';
import { locate } from '../../src/connectors/xml-mapping/locate.ts';
import { getPath, setPath } from '../../src/connectors/xml-mapping/paths.ts';
import { DocumentReader } from '../../src/connectors/xml-mapping/reader.ts';
import { localDate } from '../../src/connectors/xml-mapping/values.ts';
import { BryggaError } from '../../src/errors.ts';
import { INBOUND, PERSONNUMMER_RULE, inboundOperationOf, type FieldMap } from './mapping.ts';
import { openEnvelope } from './soap.ts';
import { readValue } from './values.ts';

export const SOURCE = '/connectors/paraply';

export interface ParaplyParseContext extends ParseContext {
  /** R-ORDER-WRITTEN: a written order registered longer than this before it was received is back-dated. */
  backdatedToleranceMs: number;
}

export interface ParaplyRequest {
  operation: string;
  events: CloudEvent[];
}

class Reader extends DocumentReader {
  constructor(
    private readonly envelope: XmlElement,
    private readonly content: XmlElement,
    private readonly today: string,
  ) {
    super(PERSONNUMMER_RULE);
  }

  /** The reported path: `Header/Meddelandeinfo/Id` or `Bestallning/Brukare/@pnr`. */
  where(xml: string): string {
    return xml.startsWith('Header/') ? xml : `${this.content.name}/${xml}`;
  }

  private find(xml: string) {
    return xml.startsWith('Header/') ? locate(this.envelope, xml) : locate(this.content, xml);
  }

  private required(field: FieldMap): boolean {
    if (typeof field.required === 'boolean') return field.required;
    return field.required.when.in.includes(getPath(this.data, field.required.when.field));
  }

  field(field: FieldMap): void {
    let xml = field.xml;
    let found = this.find(xml);
    if (found.value === undefined && field.alsoFrom) {
      const other = this.find(field.alsoFrom);
      if (other.value !== undefined) [xml, found] = [field.alsoFrom, other];
    }
    const where = this.where(xml);
    if (found.value === undefined) {
      if (this.required(field)) this.missing(where, field.to, field.rule);
      return;
    }
    if (found.repeated) return this.invalid(where, field.to, field.rule, 'may appear only once');
    const converted = this.accepted(readValue(field.kind, found.value, this.today), where, field.to, field.rule);
    if (converted) this.set(field.to, converted.value, where);
  }
}

/** The operation a parsed SOAP request asks for, if it looks like one (for the answer's name). */
export const OPERATIONS = INBOUND.map((o) => o.operation);

/**
 * Reads one Paraply SOAP request. Throws a BryggaError: the XML codes of xml-input.ts,
 * BRY_INVALID_MESSAGE for what is not a SOAP envelope, BRY_UNKNOWN_MESSAGE_TYPE for an operation
 * Brygga does not take, or BRY_INVALID_MESSAGE with every failing field.
 */
export function parseParaplyRequest(body: Buffer, contentType: string | undefined, ctx: ParaplyParseContext): ParaplyRequest {
  const root = parseXmlDocument(body, { contentType, maxBytes: ctx.maxBytes });
  const { envelope, content } = openEnvelope(root);
  const map = inboundOperationOf(content.name);
  if (!map) {
    const shown = /^[A-Za-z_]{1,40}$/.test(content.name) ? ` ${content.name}` : '';
    throw new BryggaError('BRY_UNKNOWN_MESSAGE_TYPE', `Paraply operation${shown} is not one Brygga takes: ${OPERATIONS.join(', ')}`);
  }

  const reader = new Reader(envelope, content, localDate(ctx.receivedAt));
  for (const field of map.fields) reader.field(field);
  const data = reader.data;
  for (const [path, value] of Object.entries(map.constants)) setPath(data, path, value);
  for (const [to, from] of Object.entries(map.copies ?? {})) {
    const value = getPath(data, from);
    if (value !== undefined) setPath(data, to, value);
  }
  const reference = getPath(data, 'origin.reference');
  const subject = typeof reference === 'string' ? orderIdOf('paraply', reference) : undefined;
  if (subject) data.orderId = subject;
  addClientId(data, ctx.pseudonymKey);
  // R-ORDER-WRITTEN: a written order may not be back-dated; one that is goes on all the same,
  // flagged, so that the case officers' manager sees it.
  const registeredAt = getPath(data, 'registeredAt');
  if (typeof registeredAt === 'string' && Date.parse(registeredAt) < ctx.receivedAt - ctx.backdatedToleranceMs) data.backdated = true;
  schemaFindings(map.eventType, reader, {
    // A copied value's problem is the problem of the field it was copied from.
    sourceOf: (path) => {
      const to = Object.entries(map.copies ?? {}).find(([target]) => related(target, path))?.[1] ?? path;
      return DERIVED[to] ?? to;
    },
    explain: (source) => {
      const field = map.fields.find((f) => related(f.to, source));
      return field && { field: reader.sources.get(field.to) ?? reader.where(field.xml), rule: field.rule };
    },
  });

  const refusal = reader.refusal(`Paraply ${map.operation}`, subject, true);
  if (refusal) throw refusal;
  const event = canonicalEvent({ system: 'paraply', source: SOURCE, type: map.eventType, subject: subject!, data });
  return { operation: map.operation, events: [event] };
}

/** SOAP 1.1 over HTTP is text/xml (SOAP 1.2 is application/soap+xml, which Paraply does not speak). */
export const MEDIA_TYPE = 'text/xml';

function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function unsupportedMediaType(contentType: string | undefined): BryggaError {
  const mediaType = mediaTypeOf(contentType);
  const what = mediaType === '' ? 'a body without Content-Type' : /^[a-z0-9!#$&^_.+-]{1,60}\/[a-z0-9!#$&^_.+-]{1,60}$/.test(mediaType) ? mediaType : 'this Content-Type';
  const hint = mediaType === 'application/soap+xml' ? ' (that is SOAP 1.2)' : '';
  return new BryggaError('BRY_UNSUPPORTED_MEDIA_TYPE', `${what}${hint} is not accepted here: send SOAP 1.1 as ${MEDIA_TYPE}`);
}

/** What the HTTP route reads: the media type first (BRY_UNSUPPORTED_MEDIA_TYPE), then the request. */
export function readParaplyPost(body: Buffer, contentType: string | undefined, ctx: ParaplyParseContext): ParaplyRequest {
  if (mediaTypeOf(contentType) !== MEDIA_TYPE) throw unsupportedMediaType(contentType);
  return parseParaplyRequest(body, contentType, ctx);
}
