// Every error Brygga reports, once, with a stable code (CONVENTIONS 5). The HTTP layer turns a
// BryggaError into application/problem+json; callers decide on retry by `retryable`, never by
// parsing messages. Messages never contain personal data: they name fields and rules, not values.

export interface ErrorSpec {
  status: number;
  retryable: boolean;
  title: string;
}

export const ERRORS = {
  BRY_INVALID_MESSAGE: { status: 400, retryable: false, title: 'The message failed validation' },
  BRY_MISSING_FIELD: { status: 400, retryable: false, title: 'A required element is missing' },
  BRY_INVALID_FIELD: { status: 400, retryable: false, title: 'An element has a value outside its rule' },
  BRY_INVALID_PERSONNUMMER: { status: 400, retryable: false, title: 'Personnummer is malformed or fails the Luhn check' },
  BRY_UNSAFE_XML: { status: 400, retryable: false, title: 'DOCTYPE declarations and entities are refused' },
  BRY_MALFORMED_XML: { status: 400, retryable: false, title: 'The body is not well-formed XML' },
  BRY_UNSUPPORTED_ENCODING: { status: 415, retryable: false, title: 'Only UTF-8 and ISO-8859-1 are accepted' },
  BRY_UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false, title: 'The content type is not accepted here' },
  BRY_BODY_TOO_LARGE: { status: 413, retryable: false, title: 'The body exceeds the configured size limit' },
  BRY_UNKNOWN_MESSAGE_TYPE: { status: 400, retryable: false, title: 'The message type is not one this connector knows' },
  BRY_NOT_THIS_SYSTEM: { status: 400, retryable: false, title: 'The document is not a message of this system' },
  BRY_SCHEMA_VIOLATION: { status: 500, retryable: false, title: 'A canonical event failed its JSON Schema' },
  BRY_ORDER_NOT_FOUND: { status: 404, retryable: false, title: 'No order with that reference' },
  BRY_BAD_REQUEST: { status: 400, retryable: false, title: 'The request is not valid' },
  BRY_NOT_FOUND: { status: 404, retryable: false, title: 'Not found' },
  BRY_CONFIG_INVALID: { status: 500, retryable: false, title: 'The configuration is invalid' },
  BRY_DELIVERY_FAILED: { status: 502, retryable: true, title: 'The receiving system did not accept the delivery' },
  BRY_DELIVERY_REJECTED: { status: 502, retryable: false, title: 'The receiving system refused the delivery' },
  BRY_PROVIDER_CONNECTED: { status: 409, retryable: false, title: 'The provider is connected to a system and acknowledges there' },
  BRY_ALREADY_DELIVERED: { status: 409, retryable: false, title: 'The delivery already got through' },
  BRY_BUS_UNAVAILABLE: { status: 503, retryable: true, title: 'The bus did not accept the event' },
  BRY_DATA_DIR_IN_USE: { status: 500, retryable: false, title: 'Another Brygga owns the data directory' },
  BRY_REVIEW_DECIDED: { status: 409, retryable: false, title: 'The message in the review list was already attached or dismissed' },
  BRY_MAILBOX_UNAVAILABLE: { status: 503, retryable: true, title: 'The mailbox (IMAP) could not be read' },
  BRY_UNAUTHENTICATED: { status: 401, retryable: false, title: 'A valid credential is required' },
  BRY_FORBIDDEN: { status: 403, retryable: false, title: 'The credential does not allow this' },
  BRY_IDP_UNAVAILABLE: { status: 503, retryable: true, title: 'The identity provider\'s signing keys could not be fetched' },
  BRY_AUTH_NOT_CONFIGURED: { status: 500, retryable: false, title: 'No credentials are configured for a host other than loopback' },
  BRY_PORT_IN_USE: { status: 500, retryable: false, title: 'The HTTP port is in use' },
  BRY_NO_DATA: { status: 500, retryable: false, title: 'The data directory holds no Brygga data' },
  BRY_AUDIT_FAILED: { status: 503, retryable: true, title: 'The audit log could not be written' },
  BRY_INTERNAL: { status: 500, retryable: false, title: 'Unexpected error' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/** One failing field: where, which rule, what is wrong (never the value itself). */
export interface FieldProblem {
  code: ErrorCode;
  /** Path of the element or property, e.g. `Arende/Brukare/Personnummer`. */
  field: string;
  /** Routine or format rule, e.g. `R-ORDER-CONTENT` or `FORMAT-PERSONNUMMER`. */
  rule: string;
  detail: string;
}

export class BryggaError extends Error {
  readonly spec: ErrorSpec;
  constructor(
    readonly code: ErrorCode,
    detail: string,
    readonly problems: FieldProblem[] = [],
    options?: { cause?: unknown },
  ) {
    super(detail, options);
    this.name = 'BryggaError';
    this.spec = ERRORS[code];
  }
  get retryable(): boolean {
    return this.spec.retryable;
  }
}
