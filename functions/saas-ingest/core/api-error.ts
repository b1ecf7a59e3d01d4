/**
 * What an API says went wrong when it answers 2xx without records (Slack: HTTP 200 with
 * `{"ok": false, "error": "invalid_auth"}`; others: `error`, `errors`, `message`, `fault`).
 */
const FIELDS = ["error", "errors", "message", "error_description", "fault", "detail"];

/** `; the body says ok: false, error: "invalid_auth"`, or "" when the body names no error. */
export function apiErrorHint(body: unknown): string {
  if (!body || typeof body !== "object" || Array.isArray(body)) return "";
  const b = body as Record<string, unknown>;
  const parts: string[] = [];
  if (b.ok === false || b.success === false) parts.push(b.ok === false ? "ok: false" : "success: false");
  for (const k of FIELDS)
    if (b[k] !== undefined && b[k] !== null) parts.push(`${k}: ${JSON.stringify(b[k]).slice(0, 200)}`);
  return parts.length > 0 ? `; the body says ${parts.join(", ")}` : "";
}
