// Canonical → mail: what one delivery to a mail inbox says. An order (placed or follow-up) is a
// PDF with every field of R-ORDER-CONTENT; a notice about an order (closed, execution ended, a
// deadline's reminder or breach) is a short plain mail with ids and dates only, and by fax a
// one-page PDF of the same text (a fax gateway sends the attachment). Anything else is not
// something a provider outside every system can act on by mail: refused, so it is visible.
import { DateTime } from 'luxon';
import type { CloudEvent } from '../../src/canonical/envelope.ts';
import { EVENT_TYPES } from '../../src/canonical/event-types.ts';
import { homeOf, referenceFor } from '../../src/canonical/references.ts';
import type { DeadlineData } from '../../src/canonical/schemas/deadlines.ts';
import type { OrderClosedData, OrderFollowUpData, OrderPlacedData, ExecutionEndedData } from '../../src/canonical/schemas/orders.ts';
import { BryggaError } from '../../src/errors.ts';
import type { InboxTarget } from '../../src/routing/inboxes.ts';
import type { PdfBlock, PdfPage } from './pdf.ts';
import { tokenFor, type SentRecord } from './token.ts';

export interface MailContent {
  subject: string;
  text: string;
  /** The page to attach as a PDF, if any. */
  pdf?: PdfPage;
  attachmentName?: string;
  /** What the sent-record keeps, so a reply finds its order. */
  record: Omit<SentRecord, 'messageId' | 'deliveryId'>;
}

export interface RenderOptions {
  /** Where replies go (the sender address), for the instructions. */
  replyTo: string;
  /** By fax: every mail carries its text as a PDF too. */
  fax: boolean;
}

const ZONE = 'Europe/Stockholm';
const localTime = (iso: string): string => DateTime.fromISO(iso, { setZone: true }).setZone(ZONE).toFormat('yyyy-MM-dd HH:mm');
const personnummer = (digits: string): string => `${digits.slice(0, 8)}-${digits.slice(8)}`;
const ORIENTATION: Record<string, string> = { DEMENS: 'Demens', SOCIAL: 'Social' };
const SYSTEM_NAMES: Record<string, string> = { lifecare: 'Lifecare', treserva: 'Treserva', paraply: 'Paraplysystemet', brygga: 'Brygga' };

/** The order's reference in its home system, and that system's name, for people. */
function homeReference(reference: string): { reference: string; system: string } {
  const home = homeOf({ system: 'mail', reference });
  return { reference: home.reference, system: SYSTEM_NAMES[home.system] ?? home.system };
}

function instructions(token: string, replyTo: string): string {
  return (
    `Svara med e-post till ${replyTo} och behåll ${token} i ämnesraden (svara gärna på detta meddelande). ` +
    'Skriv MOTTAGEN på första raden när ni har tagit emot beställningen (kvittens inom tre vardagar), ' +
    'och STARTDATUM ÅÅÅÅ-MM-DD på en egen rad när startdatumet är bestämt.'
  );
}

type OrderData = OrderPlacedData | (OrderFollowUpData & { previousMessageId?: string });

function orderPage(data: OrderData, title: string, token: string, options: RenderOptions, createdAt: Date): PdfPage {
  const home = homeReference(referenceFor('mail', data.origin));
  const rows = (entries: Array<[string, string | undefined]>): Array<[string, string]> =>
    entries.filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
  const blocks: PdfBlock[] = [
    {
      heading: 'Beställning',
      rows: rows([
        ['Beställningens id', `${home.reference} (${home.system})`],
        ['Beslut', data.decisionId],
        ['Registrerad', localTime(data.registeredAt)],
        ['Beslutsdatum', data.decisionDate],
        ['Insats', `${data.service.name} (${data.service.code})`],
        ['Dagar per vecka', String(data.daysPerWeek)],
        ['Inriktning', ORIENTATION[data.orientation] ?? data.orientation],
        ['Stadsområde', data.cityArea],
        ['Muntlig beställning', data.verbalOrder?.given ? `ja${data.verbalOrder.date ? `, ${data.verbalOrder.date}` : ''}; detta är den skriftliga bekräftelsen` : undefined],
        ['Efterregistrerad', data.backdated ? 'ja: registrerad mer än ett dygn innan den skickades' : undefined],
      ]),
    },
    {
      heading: 'Önskad verksamhet',
      rows: [...data.desiredUnits].sort((a, b) => a.priority - b.priority).map((u): [string, string] => [`Prioritet ${u.priority}`, u.name]),
    },
    {
      heading: 'Brukare',
      rows: rows([
        ['Namn', data.client.name],
        ['Personnummer', personnummer(data.client.personnummer)],
        ['Hemtjänstgrupp', data.client.homeCareTeam ?? 'ingen hemtjänst angiven'],
        ['Språk', data.client.language],
      ]),
    },
  ];
  const kin = data.nextOfKin ?? [];
  blocks.push({
    heading: 'Anhörig vid första besöket',
    rows: kin.length === 0 ? [['Anhörig', 'ingen angiven']] : kin.map((k): [string, string] => [k.relation ?? 'Anhörig', [k.name, k.phone].filter(Boolean).join(', ')]),
  });
  blocks.push({ heading: 'Biståndshandläggare', rows: [['Kontakt (handläggar-id)', data.caseOfficer.id]] });
  if (data.provider) {
    blocks.push({
      heading: 'Utförare',
      rows: rows([['Namn', data.provider.name], ['Id', data.provider.id], ['Organisationsnummer', data.provider.orgNumber]]),
    });
  }
  if (data.note) blocks.push({ heading: 'Meddelande', paragraph: data.note });
  blocks.push({ heading: 'Så svarar ni', paragraph: instructions(token, options.replyTo) });
  return { title, token, blocks, createdAt };
}

function notice(title: string, token: string, lines: string[], createdAt: Date): { text: string; page: PdfPage } {
  return { text: `${lines.join('\n')}\n`, page: { title, token, blocks: [{ heading: title, paragraph: lines.join('\n') }], createdAt } };
}

/** The mail one delivery sends; throws BRY_DELIVERY_REJECTED for an event the mail route does not render. */
export function composeMail(event: CloudEvent, inbox: InboxTarget, options: RenderOptions): MailContent {
  const createdAt = new Date(event.time);
  const footer = 'Meddelandet är skickat av Brygga. Frågor om beställningen: kontakta biståndshandläggaren.';
  switch (event.type) {
    case EVENT_TYPES.orderPlaced:
    case EVENT_TYPES.orderFollowUp: {
      const data = event.data as OrderData;
      const token = tokenFor(data.orderId);
      const reference = referenceFor('mail', data.origin);
      const home = homeReference(reference);
      const followUp = event.type === EVENT_TYPES.orderFollowUp;
      const title = `${followUp ? 'Uppföljning / nytt beslut' : 'Beställning'} ${data.service.name}`;
      return {
        subject: `${title} ${home.reference} ${token}`,
        text:
          `Hej,\n\nbifogat finns ${followUp ? 'en uppföljning av en beställning' : 'en beställning'} av ${data.service.name.toLocaleLowerCase('sv')} ` +
          `(${home.reference}, referens ${token}).\n\n${instructions(token, options.replyTo)}\n\n${footer}\n`,
        pdf: orderPage(data, title, token, options, createdAt),
        attachmentName: `${followUp ? 'uppfoljning' : 'bestallning'}-${home.reference.replace(/[^A-Za-z0-9-]+/g, '_')}.pdf`,
        record: {
          orderId: data.orderId,
          reference,
          providerId: data.provider?.id ?? inbox.inboxId.slice(0, 120),
          ...(data.provider?.name ? { providerName: data.provider.name } : {}),
          daysPerWeek: data.daysPerWeek,
        },
      };
    }
    case EVENT_TYPES.orderClosed:
    case EVENT_TYPES.executionEnded: {
      const data = event.data as OrderClosedData | ExecutionEndedData;
      const token = tokenFor(data.orderId);
      const reference = referenceFor('mail', data.origin);
      const home = homeReference(reference);
      const closed = event.type === EVENT_TYPES.orderClosed;
      const title = closed ? 'Beställningen avslutas' : 'Verkställigheten avslutas';
      const body = notice(title, token, [
        `${closed ? 'Beställningen' : 'Verkställigheten av beställningen'} ${home.reference} (${home.system}) avslutas från och med ${data.endDate}.`,
        `Referens: ${token}`,
      ], createdAt);
      return withNotice(`${title} ${home.reference} ${token}`, body, footer, options, `avslut-${home.reference}`, { orderId: data.orderId, reference });
    }
    case EVENT_TYPES.deadlineWarning:
    case EVENT_TYPES.deadlineBreached: {
      const data = event.data as DeadlineData;
      const token = tokenFor(data.orderId);
      const reference = data.context.reference && data.context.sourceSystem ? referenceFor('mail', { system: data.context.sourceSystem, reference: data.context.reference }) : `brygga:${data.orderId}`;
      const home = homeReference(reference);
      const warning = event.type === EVENT_TYPES.deadlineWarning;
      const kvittens = data.kind === 'kvittens';
      const title = warning ? (kvittens ? 'Påminnelse: kvittens saknas' : 'Påminnelse') : 'Tidsfristen har passerat';
      const lines = kvittens && warning
        ? [`Vi har inte fått er kvittens på beställning ${home.reference} (${home.system}).`, `Svara senast ${localTime(data.dueAt)}.`, instructions(token, options.replyTo)]
        : [`Beställning ${home.reference} (${home.system}): tidsfristen ${data.kind} (${data.rule}) ${warning ? 'går ut' : 'gick ut'} ${localTime(data.dueAt)}.`, `Referens: ${token}`];
      return withNotice(`${title} ${home.reference} ${token}`, notice(title, token, lines, createdAt), footer, options, `${data.kind}-${home.reference}`, { orderId: data.orderId, reference });
    }
    default:
      throw new BryggaError('BRY_DELIVERY_REJECTED', `the mail route does not render ${event.type}: give this inbox a system that takes it`);
  }
}

function withNotice(
  subject: string, body: { text: string; page: PdfPage }, footer: string, options: RenderOptions, name: string, record: MailContent['record'],
): MailContent {
  return {
    subject,
    text: `${body.text}\n${footer}\n`,
    ...(options.fax ? { pdf: body.page, attachmentName: `${name.replace(/[^A-Za-z0-9-]+/g, '_')}.pdf` } : {}),
    record,
  };
}
