// `data` of the providers' monthly reports: they concern a unit and a month, not an order.
import { Type, type Static } from '@sinclair/typebox';
import { Attachment, Count, EXAMPLE, Month, Origin, Text, Unit, topLevel } from './common.ts';

const reportOrigin = { ...EXAMPLE.unitOrigin, reference: 'dv-manst:2026-11' };

export const ParticipantListData = topLevel(
  'participant-list',
  'A day centre\'s month-end participant list (R-MONTHLY-LIST)',
  Type.Object(
    { origin: Origin, unit: Unit, month: Month, visitors: Count, queued: Count, vacancies: Count },
    { additionalProperties: false },
  ),
  [
    {
      origin: { ...reportOrigin, messageId: 'LC-2026-000990', createdAt: '2026-11-30T16:10:00+01:00' },
      unit: { name: 'Månstorps Ängar dagverksamhet' },
      month: '2026-11',
      visitors: 23,
      queued: 4,
      vacancies: 1,
    },
  ],
);
export type ParticipantListData = Static<typeof ParticipantListData>;

export const MealReportData = topLevel(
  'meal-report',
  'Meals per client and month as a spreadsheet, to the fee administrators (R-MEALS)',
  Type.Object({ origin: Origin, unit: Unit, month: Month, attachment: Attachment }, { additionalProperties: false }),
  [
    {
      origin: { ...reportOrigin, messageId: 'LC-2026-000991', createdAt: '2026-11-30T16:12:00+01:00' },
      unit: { name: 'Månstorps Ängar dagverksamhet' },
      month: '2026-11',
      attachment: {
        name: 'maltider-2026-11.xlsx',
        mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        sizeBytes: 27,
        sha256: '0b038013f8196915a837b086b45fcce7dffb35719d886bd156280da30a32db91',
        contentBase64: 'UEsDBGJyeWdnYS1leGVtcGVsLW1hbHRpZGVy',
      },
    },
  ],
);
export type MealReportData = Static<typeof MealReportData>;

const NullableCount = Type.Union([Count, Type.Null()], { description: 'null when the unit sent no list for the month' });

export const ParticipantSummaryData = topLevel(
  'participant-summary',
  'The coordinator\'s compiled participant lists of a month, for the case officers (R-MONTHLY-LIST); no personal data',
  Type.Object(
    {
      month: Month,
      units: Type.Array(
        Type.Object(
          { unit: Text(200), visitors: NullableCount, queued: NullableCount, vacancies: NullableCount, reported: Type.Boolean() },
          { additionalProperties: false },
        ),
        { maxItems: 1000 },
      ),
      totals: Type.Object(
        { visitors: Count, queued: Count, vacancies: Count, reportedUnits: Count, expectedUnits: Count },
        { additionalProperties: false, description: 'Sums over the units that reported' },
      ),
      missing: Type.Array(Text(200), { maxItems: 1000, description: 'Names of the configured units that sent no list' }),
      text: Text(20_000, 'The Swedish plain-text summary (participantListText)'),
    },
    { additionalProperties: false },
  ),
  [
    {
      month: '2026-11',
      units: [
        { unit: 'Månstorps Ängar dagverksamhet', visitors: 23, queued: 4, vacancies: 1, reported: true },
        { unit: 'Solgläntan dagverksamhet', visitors: null, queued: null, vacancies: null, reported: false },
      ],
      totals: { visitors: 23, queued: 4, vacancies: 1, reportedUnits: 1, expectedUnits: 2 },
      missing: ['Solgläntan dagverksamhet'],
      text:
        'Sammanställning av deltagarlistor för dagverksamhet, november 2026.\n\n'
        + 'Månstorps Ängar dagverksamhet: 23 besökare, 4 i kö, 1 ledig plats.\n'
        + 'Solgläntan dagverksamhet: ingen lista har kommit in.\n\n'
        + 'Totalt för 1 av 2 enheter: 23 besökare, 4 i kö, 1 ledig plats.\n'
        + 'Lista saknas från: Solgläntan dagverksamhet.\n',
    },
  ],
);
export type ParticipantSummaryData = Static<typeof ParticipantSummaryData>;
