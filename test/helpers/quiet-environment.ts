/**
 * The Jest environment of every test: Node's, plus a test logger. While a test file runs, what the
 * code under test writes to stdout/stderr (Powertools JSON logs, console output, warnings) is
 * held back; a passing test's output is dropped, a failing test's is printed under its name, so a
 * green run shows only the runner's summary and a red one shows the logs that explain it.
 * `TEST_LOGS=1` prints everything as it happens instead.
 */
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
    if (this.originals) {
      process.stdout.write = this.originals.out;
      process.stderr.write = this.originals.err;
      if (this.failed) this.print("output outside tests (module code, hooks)", this.fileBuffer);
      this.originals = undefined;
    }
    await super.teardown();
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
