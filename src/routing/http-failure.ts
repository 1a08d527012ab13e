// Why a request to a receiving system got no answer, or only part of one, as the network said it
// (ECONNREFUSED, ENOTFOUND, a timeout), not as a client library wraps it.

/** A short reason for an operator: the timeout that ran out, or a system error code. */
export function describeNoAnswer(error: unknown, timeoutMs: number): string {
  if (timedOut(error)) return `no answer within ${timeoutMs} ms`;
  return systemCode(error) ?? (error as Error | undefined)?.message ?? String(error);
}

/** A TimeoutError (HttpTimeout, src/routing/http-post.ts) itself or as the cause of the failure. */
function timedOut(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  return (error as Error).name === 'TimeoutError' || timedOut((error as Error).cause, depth + 1);
}

/** The first `code` along the cause chain, or in `errors[]` (an AggregateError of every address tried). */
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
