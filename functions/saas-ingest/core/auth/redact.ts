/**
 * Redaction of secret values by value: whatever a hostile or chatty server echoes (error
 * bodies, next URLs) never carries a key, password or token into logs, errors or metrics.
 */

/** The forms a secret can take on the wire: as is, URL-encoded, form-encoded. */
export function secretForms(value: string): string[] {
  const forms = new Set([
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
  ]);
  // Shorter values would garble ordinary text and protect nothing.
  return [...forms].filter((f) => f.length >= 4);
}

export function redactValues(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join("***");
  return out;
}

/** Rewrites an error's message (and its cause's) with every secret value replaced; returns it. */
export function redactError<E>(e: E, secrets: readonly string[]): E {
  if (secrets.length === 0) return e;
  for (let err: unknown = e, depth = 0; err instanceof Error && depth < 5; err = err.cause, depth++) {
    const clean = redactValues(err.message, secrets);
    if (clean !== err.message) err.message = clean;
    if (err.stack) err.stack = redactValues(err.stack, secrets);
  }
  return e;
}
