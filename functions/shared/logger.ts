/**
 * Logging for pipeline functions. The core depends on the small `Log` interface; handlers build
 * it from a Powertools Logger with `createLogger`. Tests pass `silentLog` (or set
 * `POWERTOOLS_LOG_LEVEL=SILENT`), so a passing test prints nothing.
 */
import { Logger } from "@aws-lambda-powertools/logger";

export interface Log {
  debug?(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** A Log that drops everything (tests). */
export const silentLog: Log = { info() {}, warn() {}, error() {}, debug() {} };

/** A Log that records every line (tests that assert on what was logged, e.g. that no secret leaks). */
export function recordingLog(): Log & { lines: Array<{ level: string; message: string; extra?: unknown }> } {
  const lines: Array<{ level: string; message: string; extra?: unknown }> = [];
  const at = (level: string) => (message: string, extra?: Record<string, unknown>) =>
    lines.push({ level, message, extra });
  return { lines, info: at("info"), warn: at("warn"), error: at("error"), debug: at("debug") };
}

export interface LoggerOptions {
  serviceName: string;
  /** Drop every line (same as POWERTOOLS_LOG_LEVEL=SILENT). @default false */
  silent?: boolean;
  /**
   * Rewrites each message and each string in `extra` before it is written (e.g. redacts secret
   * values). Applied to every line.
   */
  scrub?: (text: string) => string;
}

/** Powertools Logger (JSON lines, Lambda context keys) plus a `Log` view of it. */
export function createLogger(o: LoggerOptions): { logger: Logger; log: Log } {
  const logger = new Logger({ serviceName: o.serviceName, ...(o.silent ? { logLevel: "SILENT" } : {}) });
  const scrub = o.scrub;
  const clean = (extra: Record<string, unknown> = {}) => (scrub ? scrubValue(extra, scrub) : extra);
  const msg = (m: string) => (scrub ? scrub(m) : m);
  return {
    logger,
    log: {
      debug: (m, extra) => logger.debug(msg(m), clean(extra) as Record<string, unknown>),
      info: (m, extra) => logger.info(msg(m), clean(extra) as Record<string, unknown>),
      warn: (m, extra) => logger.warn(msg(m), clean(extra) as Record<string, unknown>),
      error: (m, extra) => logger.error(msg(m), clean(extra) as Record<string, unknown>),
    },
  };
}

/** Applies `scrub` to every string inside `v` (objects, arrays, Error messages and stacks). */
export function scrubValue(v: unknown, scrub: (s: string) => string, depth = 0): unknown {
  if (typeof v === "string") return scrub(v);
  if (depth > 8 || v === null || typeof v !== "object") return v;
  if (v instanceof Error)
    return { name: v.name, message: scrub(v.message), stack: v.stack && scrub(v.stack) };
  if (Array.isArray(v)) return v.map((x) => scrubValue(x, scrub, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = scrubValue(x, scrub, depth + 1);
  return out;
}
