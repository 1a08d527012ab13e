// Swedish personnummer and samordningsnummer: every accepted written form normalised to 12
// digits, checked by date and Luhn digit. Failures name a reason, never the number itself.

export type PersonnummerFailure = 'FORMAT' | 'DATE' | 'FUTURE' | 'CHECK_DIGIT';

export type PersonnummerResult =
  | { ok: true; value: string; coordinationNumber: boolean }
  | { ok: false; reason: PersonnummerFailure; detail: string };

const DETAIL: Record<PersonnummerFailure, string> = {
  FORMAT: 'expected YYYYMMDDNNNN, YYYYMMDD-NNNN, YYMMDD-NNNN or YYMMDD+NNNN',
  DATE: 'the birth date part is not a valid date (samordningsnummer: day + 60)',
  FUTURE: 'the birth date part lies in the future',
  CHECK_DIGIT: 'the check digit does not match (Luhn)',
};

const FORMS = /^(?:(\d{2})(\d{6})-?(\d{4})|(\d{6})([-+])(\d{4}))$/;

const fail = (reason: PersonnummerFailure): PersonnummerResult => ({ ok: false, reason, detail: DETAIL[reason] });

/** Luhn over the 10 digits YYMMDDNNNN: true when the last digit is the check digit. */
export function luhnValid(tenDigits: string): boolean {
  let sum = 0;
  for (let i = 0; i < 9; i += 1) {
    const product = Number(tenDigits[i]) * (i % 2 === 0 ? 2 : 1);
    sum += product > 9 ? product - 9 : product;
  }
  return (10 - (sum % 10)) % 10 === Number(tenDigits[9]);
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Normalises a personnummer or samordningsnummer to `YYYYMMDDNNNN`.
 * `reference` (a `YYYY-MM-DD` date, Swedish local) decides the century of the short forms: `-`
 * is the most recent year not after the reference year, `+` (100 years or older) a century
 * earlier (folkbokföringslagen: the sign changes in the year the person turns 100).
 */
export function normalisePersonnummer(input: string, reference: string): PersonnummerResult {
  const match = FORMS.exec(input.trim());
  if (!match) return fail('FORMAT');
  const referenceYear = Number(reference.slice(0, 4));
  let full: string;
  if (match[1] !== undefined) {
    full = `${match[1]}${match[2]}${match[3]}`;
  } else {
    const yy = Number(match[4]!.slice(0, 2));
    let year = referenceYear - ((((referenceYear - yy) % 100) + 100) % 100);
    if (match[5] === '+') year -= 100;
    full = `${year}${match[4]!.slice(2)}${match[6]}`;
  }
  const year = Number(full.slice(0, 4));
  const month = Number(full.slice(4, 6));
  const rawDay = Number(full.slice(6, 8));
  const coordinationNumber = rawDay > 60;
  const day = coordinationNumber ? rawDay - 60 : rawDay;
  if (!isRealDate(year, month, day)) return fail('DATE');
  const birthDate = `${full.slice(0, 4)}-${full.slice(4, 6)}-${String(day).padStart(2, '0')}`;
  if (birthDate > reference) return fail('FUTURE');
  if (!luhnValid(full.slice(2))) return fail('CHECK_DIGIT');
  return { ok: true, value: full, coordinationNumber };
}

/** The birth date `YYYY-MM-DD` of a normalised number (samordningsnummer: day minus 60). */
export function birthDateOf(personnummer: string): string {
  if (!/^\d{12}$/.test(personnummer)) throw new RangeError('expected a normalised 12-digit personnummer');
  const rawDay = Number(personnummer.slice(6, 8));
  const day = rawDay > 60 ? rawDay - 60 : rawDay;
  return `${personnummer.slice(0, 4)}-${personnummer.slice(4, 6)}-${String(day).padStart(2, '0')}`;
}
