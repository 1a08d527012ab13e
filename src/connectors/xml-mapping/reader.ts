// Collects what a mapped document reads as: the canonical data, where each value came from, and every problem by field and rule.
import { createHash } from 'node:crypto';
import { elementAt, type XmlElement } from '../../canonical/xml-input.ts';
import { BryggaError, type FieldProblem } from '../../errors.ts';
import type { AttachmentMap, Condition } from './map-types.ts';
import { getPath, setPath } from './paths.ts';
import type { Converted } from './values.ts';

/** A problem and the canonical path it concerns (to keep schema findings from repeating it). */
export type Located = FieldProblem & { to: string };

export class DocumentReader {
  readonly data: Record<string, unknown> = {};
  readonly problems: Located[] = [];
  /** Where each canonical value was read from, for reporting schema findings by element. */
  readonly sources = new Map<string, string>();

  /** `personnummerRule`: the rule a personnummer that is not one breaks, whatever field it is in. */
  constructor(private readonly personnummerRule: string) {}

  missing(field: string, to: string, rule: string): void {
    const what = field.split('/').pop()!.startsWith('@') ? 'attribute' : 'element';
    this.problems.push({ code: 'BRY_MISSING_FIELD', field, rule, detail: `required ${what} is missing`, to });
  }

  invalid(field: string, to: string, rule: string, detail: string, code: FieldProblem['code'] = 'BRY_INVALID_FIELD'): void {
    this.problems.push({ code, field, rule, detail, to });
  }

  holds(condition: Condition | undefined): boolean {
    return !condition || condition.in.includes(String(getPath(this.data, condition.field)));
  }

  set(to: string, value: unknown, where: string): void {
    setPath(this.data, to, value);
    this.sources.set(to, where);
  }

  /** The converted value, or undefined once it is reported as not one (a bad personnummer under its own rule). */
  accepted(converted: Converted, where: string, to: string, rule: string): { value: unknown } | undefined {
    if (converted.ok) return { value: converted.value };
    this.invalid(where, to, converted.personnummer ? this.personnummerRule : rule, converted.detail, converted.code);
    return undefined;
  }

  /** A Bilaga below `root`: namn and mime attributes, base64 content, checked to be the kind of file it claims. */
  attachment(root: XmlElement, spec: AttachmentMap): void {
    const element = elementAt(root, spec.xml);
    if (!element) {
      if (spec.required) this.missing(spec.xml, spec.to, spec.rule);
      return;
    }
    const name = element.attributes.namn;
    const mime = element.attributes.mime?.toLowerCase();
    const content = element.text.replace(/\s+/g, '');
    if (!name) this.missing(`${spec.xml}/@namn`, `${spec.to}.name`, spec.rule);
    if (!mime) this.missing(`${spec.xml}/@mime`, `${spec.to}.mime`, spec.rule);
    else if (!spec.mimes.includes(mime)) this.invalid(`${spec.xml}/@mime`, `${spec.to}.mime`, spec.rule, `must be one of ${spec.mimes.join(', ')}`);
    if (!content) return this.invalid(spec.xml, `${spec.to}.contentBase64`, spec.rule, 'the attachment is empty');
    if (content.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(content)) {
      return this.invalid(spec.xml, `${spec.to}.contentBase64`, spec.rule, 'the content is not base64');
    }
    const bytes = Buffer.from(content, 'base64');
    const head = bytes.subarray(0, 16).toString('hex');
    if (!spec.signatures.some((signature) => head.startsWith(signature))) {
      return this.invalid(spec.xml, `${spec.to}.contentBase64`, spec.rule, `the content does not match its type (${spec.mimes.join(', ')})`);
    }
    if (!name || !mime || !spec.mimes.includes(mime)) return;
    this.set(spec.to, { name, mime, sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), contentBase64: content }, spec.xml);
  }

  /**
   * BRY_INVALID_MESSAGE with every problem, if there is any or the document named no subject.
   * The summary names `what` and each field with its rule (`details`: and what is wrong), never a value.
   */
  refusal(what: string, subject: string | undefined, details = false): BryggaError | undefined {
    if (this.problems.length === 0 && subject !== undefined) return undefined;
    const problems = this.problems.map(({ to: _to, ...problem }) => problem);
    const said = problems.map((p) => `${p.field} (${p.rule})${details ? `: ${p.detail}` : ''}`).join('; ');
    return new BryggaError('BRY_INVALID_MESSAGE', `${what} refused: ${said}`, problems);
  }
}
