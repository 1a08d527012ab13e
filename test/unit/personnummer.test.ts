// Personnummer and samordningsnummer (formats README, general rules), and the client pseudonym.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { birthDateOf, luhnValid, normalisePersonnummer } from '../../src/canonical/personnummer.ts';
import { clientIdFor } from '../../src/canonical/pseudonym.ts';

const TODAY = '2027-03-01';
const value = (input: string, reference = TODAY) => {
  const result = normalisePersonnummer(input, reference);
  return result.ok ? result.value : result.reason;
};

describe('normalisePersonnummer', () => {
  it('accepts the four written forms of Skatteverket\'s test number', () => {
    for (const input of ['191212121212', '19121212-1212', '121212+1212', ' 19121212-1212 ']) expect(value(input)).toBe('191212121212');
  });

  it('YYMMDD-NNNN is the most recent such year not after the reference date; + is a century earlier', () => {
    expect(value('121212-1212', '2010-06-01')).toBe('191212121212');
    expect(value('121212+1212', '2010-06-01')).toBe('181212121212');
    expect(value('121212-1212', '2027-03-01').slice(0, 4)).toBe('2012');
  });

  it('the century follows the year: a "-" date later this year is in the future, not 100 years ago', () => {
    // Folkbokföringslagen: the sign turns to + in the year the person turns 100.
    expect(value('121212-1212', '2012-06-01')).toBe('FUTURE');
    expect(value('121212+1212', '2012-06-01')).toBe('191212121212');
  });

  it('accepts a samordningsnummer (day + 60) and checks its real date', () => {
    const result = normalisePersonnummer('19121272-1219', TODAY);
    expect(result).toEqual({ ok: true, value: '191212721219', coordinationNumber: true });
    expect(birthDateOf('191212721219')).toBe('1912-12-12');
  });

  it('refuses a wrong check digit, an impossible date, and other shapes', () => {
    expect(value('19121212-1213')).toBe('CHECK_DIGIT');
    expect(value('19121232-1210')).toBe('DATE');
    expect(value('19130229-1210')).toBe('DATE');
    expect(value('19121292-1210')).toBe('DATE');
    for (const bad of ['', '1912121212', '19121212 1212', '1912-12-12-1212', '19121212+1212x', '1912121212120']) expect(value(bad)).toBe('FORMAT');
  });

  it('never puts the number into its failure detail', () => {
    for (const bad of ['19121212-1213', '19121232-1210', 'abc19121212']) {
      const result = normalisePersonnummer(bad, TODAY);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.detail).not.toContain('1212');
        expect(result.detail).not.toContain(bad);
      }
    }
  });

  it('every valid date and serial normalises alike from every form (property)', () => {
    const arbitrary = fc.record({
      date: fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true }),
      serial: fc.integer({ min: 0, max: 999 }),
      coordination: fc.boolean(),
    });
    fc.assert(
      fc.property(arbitrary, ({ date, serial, coordination }) => {
        const iso = date.toISOString().slice(0, 10);
        const day = Number(iso.slice(8, 10)) + (coordination ? 60 : 0);
        const nine = `${iso.slice(2, 4)}${iso.slice(5, 7)}${String(day).padStart(2, '0')}${String(serial).padStart(3, '0')}`;
        const check = [...'0123456789'].find((d) => luhnValid(nine + d))!;
        const full = `${iso.slice(0, 2)}${nine.slice(0, 6)}${nine.slice(6)}${check}`;
        const sign = Number(TODAY.slice(0, 4)) - Number(iso.slice(0, 4)) >= 100 ? '+' : '-';
        for (const form of [full, `${full.slice(0, 8)}-${full.slice(8)}`, `${full.slice(2, 8)}${sign}${full.slice(8)}`]) {
          expect(normalisePersonnummer(form, TODAY)).toEqual({ ok: true, value: full, coordinationNumber: coordination });
        }
        expect(birthDateOf(full)).toBe(iso);
      }),
    );
  });
});

describe('clientIdFor', () => {
  it('is cl- and 16 hex digits, stable per key, different across keys', () => {
    const id = clientIdFor('191212121212', 'test-key');
    expect(id).toMatch(/^cl-[0-9a-f]{16}$/);
    expect(clientIdFor('191212121212', 'test-key')).toBe(id);
    expect(clientIdFor('191212121212', 'other-key')).not.toBe(id);
  });
});
