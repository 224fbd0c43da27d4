/** A Lambda error's Cause is JSON (`{errorMessage, errorType, …}`); its message is what a person reads. */
export function readableCause(cause: string | undefined): string {
  if (!cause) return '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
}
