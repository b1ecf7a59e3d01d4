/**
 * The Jest environment of every test: Node's, plus a test logger. While a test file runs, what the
 * code under test writes to stdout/stderr (Powertools JSON logs, console output, warnings) is
 * held back; a passing test's output is dropped, a failing test's is printed under its name, so a
 * green run shows only the runner's summary and a red one shows the logs that explain it.
 * `TEST_LOGS=1` prints everything as it happens instead.
 */
import { appendFileSync } from "node:fs";
import type { EnvironmentContext, JestEnvironmentConfig } from "@jest/environment";
import type { Circus } from "@jest/types";
import { TestEnvironment } from "jest-environment-node";

type Write = typeof process.stdout.write;

export default class QuietEnvironment extends TestEnvironment {
  private readonly live = process.env.TEST_LOGS === "1";
  private originals?: { out: Write; err: Write };
  /** Output of the running test, or of hooks and module code when no test runs. */
  private testBuffer: string[] | undefined;
  private readonly fileBuffer: string[] = [];
  private failed = false;

  private readonly handlesAtSetup = new Set(activeHandles());
  private readonly testPath: string;

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.testPath = context.testPath;
  }

  override async setup(): Promise<void> {
    await super.setup();
    if (this.live) return;
    const out = process.stdout.write;
    const err = process.stderr.write;
    this.originals = { out, err };
    const capture = (stream: "stdout" | "stderr") =>
      ((chunk: string | Uint8Array, encoding?: unknown, cb?: unknown) => {
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
        (this.testBuffer ?? this.fileBuffer).push(stream === "stderr" ? text : text);
        const done = typeof encoding === "function" ? encoding : cb;
        if (typeof done === "function") process.nextTick(done as () => void);
        return true;
      }) as Write;
    process.stdout.write = capture("stdout");
    process.stderr.write = capture("stderr");
  }

  override async teardown(): Promise<void> {
    await this.reportLeftovers();
    if (this.originals) {
      process.stdout.write = this.originals.out;
      process.stderr.write = this.originals.err;
      if (this.failed) this.print("output outside tests (module code, hooks)", this.fileBuffer);
      this.originals = undefined;
    }
    await super.teardown();
  }

  /**
   * Diagnostic (`DP_TEST_HANDLES=<file>`): what the test file left running after its last hook
   * that keeps the process alive (referenced servers, sockets, child processes; not timers), appended
   * to <file>. Such a leak keeps a Jest worker alive ("A worker process has failed to exit
   * gracefully"). Handles that were there at setup, and unreferenced ones, are not reported.
   */
  private async reportLeftovers() {
    const file = process.env.DP_TEST_HANDLES;
    if (!file) return;
    await new Promise((r) => setTimeout(r, 100));
    const extra = activeHandles()
      .filter((h) => !this.handlesAtSetup.has(h) && (typeof h.hasRef !== "function" || h.hasRef()))
      // The process's own stdio streams are created on first use: not a leak.
      .filter(
        (h) =>
          h !== (process.stdout as unknown) &&
          h !== (process.stderr as unknown) &&
          h !== (process.stdin as unknown),
      )
      .map(describeHandle);
    if (extra.length) appendFileSync(file, `${this.testPath}: ${extra.join(", ")}\n`);
  }

  handleTestEvent(event: Circus.Event): void {
    if (this.live) return;
    switch (event.name) {
      case "test_start":
        this.testBuffer = [];
        break;
      case "test_done": {
        const buffer = this.testBuffer ?? [];
        this.testBuffer = undefined;
        if (event.test.errors.length > 0) {
          this.failed = true;
          this.print(`output of failed test "${fullName(event.test)}"`, buffer);
        }
        break;
      }
      case "hook_failure":
        this.failed = true;
        break;
      default:
        break;
    }
  }

  private print(title: string, lines: string[]) {
    const text = lines.join("");
    if (!text.trim() || !this.originals) return;
    const bar = "─".repeat(8);
    this.originals.err.call(
      process.stderr,
      `\n${bar} ${title} ${bar}\n${text}${text.endsWith("\n") ? "" : "\n"}`,
    );
  }
}

function fullName(test: Circus.TestEntry): string {
  const names: string[] = [test.name];
  for (
    let p: Circus.DescribeBlock | undefined = test.parent;
    p && p.name !== "ROOT_DESCRIBE_BLOCK";
    p = p.parent
  ) {
    names.unshift(p.name);
  }
  return names.join(" › ");
}

type Handle = { hasRef?: () => boolean; constructor?: { name?: string }; [k: string]: unknown };
function activeHandles(): Handle[] {
  const p = process as unknown as { _getActiveHandles?: () => Handle[] };
  return p._getActiveHandles?.() ?? [];
}
function describeHandle(h: Handle): string {
  const kind = h.constructor?.name ?? "handle";
  if (kind === "ChildProcess")
    return `ChildProcess(${String((h.spawnargs as string[] | undefined)?.join(" "))})`;
  if (kind === "Socket") {
    const s = h as unknown as {
      remoteAddress?: string;
      remotePort?: number;
      _handle?: { constructor?: { name?: string } };
    };
    return `Socket(${s.remoteAddress ? `${s.remoteAddress}:${s.remotePort}` : (s._handle?.constructor?.name ?? "pipe")})`;
  }
  if (kind === "Server") {
    const a = (h as unknown as { address?: () => unknown }).address?.();
    return `Server(${JSON.stringify(a)})`;
  }
  if (kind === "Timeout") {
    const t = h as unknown as { _idleTimeout?: number; _onTimeout?: { name?: string; toString(): string } };
    return `Timeout(${t._idleTimeout} ms, ${t._onTimeout?.name || t._onTimeout?.toString().slice(0, 80)})`;
  }
  return kind;
}
