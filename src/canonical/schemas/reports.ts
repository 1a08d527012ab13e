// `data` of the providers' monthly reports: they concern a unit and a month, not an order.
import { Type, type Static } from '@sinclair/typebox';
import { Attachment, Count, EXAMPLE, Month, Origin, Unit, topLevel } from './common.ts';

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
