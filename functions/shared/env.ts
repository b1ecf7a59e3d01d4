/** Reading a Lambda's environment once, with errors that name the variable and the value. */
import { EnvironmentError } from "./errors";

/** A required, non-empty variable. */
export function requiredEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const v = env[name];
  if (!v) throw new EnvironmentError(`environment ${name}: required`);
  return v;
}

/** An integer variable >= `min` (and <= `max`); `fallback` when unset or empty. */
export function intEnv(
  name: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new EnvironmentError(
      `environment ${name}: must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`,
    );
  return n;
}

/** "true"/"false" (or unset: `fallback`). */
export function boolEnv(name: string, fallback: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw new EnvironmentError(`environment ${name}: must be "true" or "false" (got ${JSON.stringify(raw)})`);
}
