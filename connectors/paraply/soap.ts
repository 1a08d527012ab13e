// SOAP 1.1 envelopes as Paraply sends and takes them: reading one (already parsed by the safe
// XML input), writing one, and the Fault both ways. Element names are namespace-free here:
// xml-input.ts drops prefixes, so `soapenv:Body`, `soap:Body` and a default namespace read alike.
import type { XmlElement } from '../../src/canonical/xml-input.ts';
import { childrenNamed } from '../../src/canonical/xml-input.ts';
import { BryggaError } from '../../src/errors.ts';
import { serialise as serialiseXml, xmlEscape, type Node } from '../../src/connectors/xml-mapping/writer.ts';
import { FORMAT_RULE, NAMESPACE, SOAP_ENVELOPE } from './mapping.ts';

/** Paraply's elements are written with the `par:` prefix the envelope declares. */
export const serialise = (n: Node, indent: string, prefix = 'par:'): string => serialiseXml(n, indent, prefix);

/** A whole SOAP 1.1 message in UTF-8: the header's and body's elements already serialised. */
export function envelope(body: string, header?: string): Buffer {
  const head = header === undefined ? '' : `  <soapenv:Header>\n${header}\n  </soapenv:Header>\n`;
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope xmlns:soapenv="${SOAP_ENVELOPE}" xmlns:par="${NAMESPACE}">\n${head}  <soapenv:Body>\n${body}\n  </soapenv:Body>\n</soapenv:Envelope>\n`,
    'utf8',
  );
}

export type FaultCode = 'Client' | 'Server';

/**
 * A SOAP Fault: faultcode soapenv:Client (the message is wrong, sending it again will not help)
 * or soapenv:Server (Brygga could not take it now: send it again). The detail carries Brygga's
 * stable code, the dead letter and every problem by field and rule, never a value.
 */
export function faultEnvelope(code: FaultCode, faultstring: string, error?: BryggaError, deadLetterId?: string): Buffer {
  const detail: string[] = [];
  if (error) {
    detail.push(`          <brygga:Kod>${error.code}</brygga:Kod>`);
    if (deadLetterId) detail.push(`          <brygga:DeadLetterId>${xmlEscape(deadLetterId)}</brygga:DeadLetterId>`);
    for (const p of error.problems) {
      detail.push(`          <brygga:Problem kod="${p.code}" falt="${xmlEscape(p.field)}" regel="${xmlEscape(p.rule)}">${xmlEscape(p.detail)}</brygga:Problem>`);
    }
  }
  const detailXml = detail.length === 0
    ? ''
    : `\n      <detail>\n        <brygga:Fel xmlns:brygga="urn:brygga:fel:v1">\n${detail.join('\n')}\n        </brygga:Fel>\n      </detail>`;
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope xmlns:soapenv="${SOAP_ENVELOPE}">\n  <soapenv:Body>\n    <soapenv:Fault>\n      <faultcode>soapenv:${code}</faultcode>\n      <faultstring>${xmlEscape(faultstring)}</faultstring>${detailXml}\n    </soapenv:Fault>\n  </soapenv:Body>\n</soapenv:Envelope>\n`,
    'utf8',
  );
}

const notSoap = (field: string, detail: string): BryggaError =>
  new BryggaError('BRY_INVALID_MESSAGE', `not a Paraply SOAP message: ${field} (${FORMAT_RULE}): ${detail}`, [
    { code: 'BRY_MISSING_FIELD', field, rule: FORMAT_RULE, detail },
  ]);

/** The parts of a SOAP 1.1 envelope: its Header (if any) and the one element in its Body. */
export function openEnvelope(root: XmlElement): { envelope: XmlElement; header?: XmlElement; content: XmlElement } {
  if (root.name !== 'Envelope') throw notSoap('Envelope', 'the root element must be a SOAP 1.1 Envelope');
  const bodies = childrenNamed(root, 'Body');
  if (bodies.length !== 1) throw notSoap('Envelope/Body', bodies.length === 0 ? 'required element is missing' : 'may appear only once');
  const content = bodies[0]!.children;
  if (content.length !== 1) throw notSoap('Envelope/Body', `must hold exactly one element, holds ${content.length}`);
  return { envelope: root, header: childrenNamed(root, 'Header')[0], content: content[0]! };
}

export interface Fault {
  /** The faultcode's local part: Client, Server, VersionMismatch, MustUnderstand (maybe dotted: Client.Auth). */
  code: string;
  faultstring: string;
}

/** The Fault in a SOAP answer, if that is what it holds. */
export function readFault(root: XmlElement): Fault | undefined {
  if (root.name !== 'Envelope') return undefined;
  const fault = childrenNamed(root, 'Body')[0]?.children.find((c) => c.name === 'Fault');
  if (!fault) return undefined;
  const rawCode = childrenNamed(fault, 'faultcode')[0]?.text ?? '';
  return { code: rawCode.includes(':') ? rawCode.slice(rawCode.indexOf(':') + 1) : rawCode, faultstring: childrenNamed(fault, 'faultstring')[0]?.text ?? '' };
}
