// Why an HTTP request to a receiving system got no answer, as the network said it
// (ECONNREFUSED, ENOTFOUND, a timeout), not as the fetch API wraps it (`TypeError: fetch failed`).

/** A short reason for an operator: a system error code, or the timeout that ran out. */
export function describeNoAnswer(error: unknown, timeoutMs: number): string {
  if ((error as Error | undefined)?.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  return systemCode(error) ?? (error as Error | undefined)?.message ?? String(error);
}

/** The first `code` along the cause chain (undici puts ECONNREFUSED there, or in `errors[]`). */
function systemCode(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 5) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown[] };
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return code;
  for (const inner of [cause, ...(Array.isArray(errors) ? errors : [])]) {
    const found = systemCode(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}
