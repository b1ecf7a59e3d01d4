/**
 * Secret scanning (`npm run lint:secrets`): the scanner the repository runs on itself catches a
 * planted AWS secret key, private keys and a GCP service-account key file, masks them in its
 * output, and sees new files before their first commit. Every planted value is generated here at
 * run time, so the repository itself holds nothing secret-looking.
 */
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, type KeyObject, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cacheFileFor, nextClean, repositoryFiles, scanAll } from "../scripts/scan-secrets.js";

// One RSA key, generated once, written in each encoding a file needs: a 2048-bit generation costs
// ~0.2 s of CPU and the scanner reads each file on its own, so four keys proved nothing one does not.
let rsaKey: KeyObject | undefined;
const rsaPem = (type: "pkcs1" | "pkcs8") => {
  rsaKey ??= generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  return rsaKey.export({ type, format: "pem" }).toString();
};
/** A 40-character AWS secret access key made of random bytes (never a real one), ending in `last`. */
const awsSecret = (last = "K") => `${randomBytes(30).toString("base64").slice(0, 39)}${last}`;
const awsKeyId = () =>
  `AKIA${Array.from(randomBytes(16), (b) => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[b % 32]).join("")}`;

// Loading secretlint costs about 0.5 s of CPU: every case below plants its file(s) in one
// repository, and that repository and a clean one are scanned by one secretlint process
// (scanAll, what `npm run lint:secrets` runs with one job), each with its own exit status and
// output; each case then reads the findings of its files.
jest.setTimeout(60_000);

type Scan = ReturnType<typeof scanAll>[number];

function newRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), "dp-secrets-"));
  execFileSync("git", ["init", "-q"], { cwd: dir });
  writeFileSync(join(dir, ".gitignore"), ".env\n");
  return dir;
}
const job = (dir: string, cache?: string) => ({
  root: dir,
  files: repositoryFiles(dir),
  format: "compact",
  cache,
});
/** Output lines naming `file` (compact format: one line per finding, starting with the path). */
const findingsOf = (r: Scan, dir: string, file: string) =>
  r.output.split("\n").filter((l) => l.startsWith(`${join(dir, file)}:`));

const placeholderReadme = () => {
  const begin = ["-----BEGIN", "PRIVATE", "KEY-----"].join(" ");
  const end = ["-----END", "PRIVATE", "KEY-----"].join(" ");
  return `Paste your key:\n${begin}\n...\n${end}\naws_secret_access_key = <from Secrets Manager>\n`;
};
const cleanConfig = 'export const secretId = "dp/saas/demo-api-token";\nconst region = "ap-northeast-1";\n';

/** What each case planted (the values the output must not show) and the one scan of them all. */
const planted = {
  secret: awsSecret(),
  slash: awsSecret("/"),
  plus: awsSecret("+"),
  pems: {} as Record<string, string>,
};
const KEYS: [string, string, () => string][] = [
  [
    "Ed25519 (too short for the preset)",
    "deploy_ed25519.pem",
    () =>
      generateKeyPairSync("ed25519", {
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
        publicKeyEncoding: { type: "spki", format: "pem" },
      }).privateKey,
  ],
  [
    "EC P-256 SEC1 (too short for the preset)",
    "ec256.key",
    () =>
      generateKeyPairSync("ec", {
        namedCurve: "P-256",
        privateKeyEncoding: { type: "sec1", format: "pem" },
        publicKeyEncoding: { type: "spki", format: "pem" },
      }).privateKey,
  ],
  ["PKCS#1 RSA", "id_rsa", () => rsaPem("pkcs1")],
  ["PKCS#8", "service.pem", () => rsaPem("pkcs8")],
  [
    "EC P-384",
    "ec.key",
    () =>
      generateKeyPairSync("ec", {
        namedCurve: "P-384",
        privateKeyEncoding: { type: "sec1", format: "pem" },
        publicKeyEncoding: { type: "spki", format: "pem" },
      }).privateKey,
  ],
];
let dir: string;
let all: Scan;
let cleanDir: string;
let clean: { dir: string; scan: Scan };
/** Clean verdicts (outside the repositories, which would scan them): of cleanDir and twinDir. */
let caches: string;
let twinDir: string;
let twin: Scan;
let slackToken: string;

beforeAll(() => {
  // A repository with nothing secret, scanned on its own: status 0.
  cleanDir = newRepo();
  writeFileSync(join(cleanDir, "README.md"), placeholderReadme());
  writeFileSync(join(cleanDir, "config.ts"), cleanConfig);
  twinDir = newRepo();
  writeFileSync(join(twinDir, "README.md"), placeholderReadme());
  writeFileSync(join(twinDir, "config.ts"), cleanConfig);
  caches = mkdtempSync(join(tmpdir(), "dp-secrets-cache-"));

  dir = newRepo();
  const plant = (name: string, content: string) => writeFileSync(join(dir, name), content);
  plant("README.md", placeholderReadme());
  plant("config.ts", cleanConfig);
  plant(
    "deploy.sh",
    `export AWS_ACCESS_KEY_ID=${awsKeyId()}\nexport AWS_SECRET_ACCESS_KEY=${planted.secret}\nnpx cdktf deploy\n`,
  );
  plant("settings-slash.json", JSON.stringify({ aws_secret_access_key: planted.slash }));
  plant("settings-plus.json", JSON.stringify({ aws_secret_access_key: planted.plus }));
  for (const [, file, key] of KEYS) {
    planted.pems[file] = key();
    plant(file, planted.pems[file]);
  }
  plant(
    "key.json",
    JSON.stringify({
      type: "service_account",
      project_id: "dp-dev-analytics",
      private_key_id: randomBytes(20).toString("hex"),
      private_key: rsaPem("pkcs8"),
      client_email: "iics-loader@dp-dev-analytics.iam.gserviceaccount.com",
    }),
  );
  // A reviewed exception: fixtures/ holds synthetic keys, listed in .secretlintignore.
  mkdirSync(join(dir, "fixtures"));
  plant("fixtures/rsa.pem", rsaPem("pkcs8"));
  plant("fixtures/settings.json", JSON.stringify({ aws_secret_access_key: awsSecret("/") }));
  plant(
    ".secretlintignore",
    "# synthetic keys for parser tests, generated, never used anywhere\nfixtures/**\n",
  );
  const digits = () => String(100000000000 + (randomBytes(4).readUInt32BE() % 899999999999));
  slackToken = ["xoxb", digits(), digits(), randomBytes(12).toString("hex")].join("-");
  plant("slack.ts", `const t = "${slackToken}";\n`);
  plant("tracked.ts", "export {};\n");
  execFileSync("git", ["add", "tracked.ts"], { cwd: dir });
  plant(".env", `AWS_SECRET_ACCESS_KEY=${awsSecret()}\n`);
  const [cleanScan, allScan, twinScan] = scanAll([
    job(cleanDir, join(caches, "clean.json")),
    job(dir),
    job(twinDir, join(caches, "twin.json")),
  ]);
  clean = { dir: cleanDir, scan: cleanScan };
  all = allScan;
  twin = twinScan;
});
afterAll(() => {
  for (const d of [dir, cleanDir, twinDir, caches]) if (d) rmSync(d, { recursive: true, force: true });
});

describe("secret scanning", () => {
  it("passes a repository without secrets, placeholders that only look like keys included", () => {
    expect(clean.scan).toEqual({ status: 0, output: expect.any(String), files: 3, scanned: 3 });
    // The same files next to planted secrets: still no finding of their own.
    expect(findingsOf(all, dir, "README.md")).toEqual([]);
    expect(findingsOf(all, dir, "config.ts")).toEqual([]);
  });

  it("fails the scan and masks every value it found", () => {
    expect(all.status).toBe(1);
    for (const value of [planted.secret, planted.slash, planted.plus, slackToken]) {
      expect(all.output).not.toContain(value);
    }
    for (const pem of Object.values(planted.pems)) {
      expect(all.output).not.toContain(pem.split("\n")[1].slice(0, 40));
    }
  });

  it("catches an AWS secret access key in a new, not yet committed file", () => {
    expect(findingsOf(all, dir, "deploy.sh").join("\n")).toMatch(/AWSSecretAccessKey/);
  });

  it.each([
    ["/", "settings-slash.json"],
    ["+", "settings-plus.json"],
  ])(
    "catches an AWS secret key ending in %s (the preset misses those; our own check does not)",
    (_l, file) => {
      expect(findingsOf(all, dir, file).join("\n")).toMatch(
        new RegExp(`${file.replace(".", "\\.")}:1 .*\\[DP-AWSSecretAccessKey\\]`),
      );
    },
  );

  it.each(KEYS.map(([kind, file]) => [kind, file]))("catches a private key (%s)", (_kind, file) => {
    expect(findingsOf(all, dir, file).join("\n")).toMatch(/PrivateKey/);
  });

  it("catches a GCP service-account key file (the kind IICS may be given by hand)", () => {
    expect(findingsOf(all, dir, "key.json")).not.toEqual([]);
  });

  it("honours .secretlintignore (a reviewed exception) for the preset and for our own checks", () => {
    expect(all.output).toContain(join(dir, "settings-slash.json"));
    expect(all.output).not.toContain(join(dir, "fixtures"));
  });

  it("allows only the exact fake Slack token the ingestion tests use, not Slack tokens in general", () => {
    const allowed = JSON.parse(readFileSync(join(__dirname, "..", ".secretlintrc.json"), "utf8")).rules[0]
      .rules;
    expect(allowed).toEqual([
      {
        id: "@secretlint/secretlint-rule-slack",
        options: { allows: [["xoxb", "not-the-right-token"].join("-")] },
      },
    ]);
    expect(findingsOf(all, dir, "slack.ts").join("\n")).toMatch(/SLACK_TOKEN/);
  });

  it("scans tracked and new files but not what .gitignore keeps out of the repository", () => {
    expect(repositoryFiles(dir)).toContain("tracked.ts");
    expect(repositoryFiles(dir)).toContain("slack.ts");
    expect(repositoryFiles(dir)).not.toContain(".env");
    expect(findingsOf(all, dir, ".env")).toEqual([]);
    expect(repositoryFiles(clean.dir).sort()).toEqual([".gitignore", "README.md", "config.ts"]);
  });

  it("sends secretlint only files not found clean before with the same content, path and rules; never remembers a finding", () => {
    const cache = join(caches, "clean.json");
    const remembered = () => (JSON.parse(readFileSync(cache, "utf8")) as { clean: string[] }).clean.length;
    expect({ twin: twin.scanned, remembered: remembered() }).toEqual({ twin: 3, remembered: 3 });
    // Nothing changed: no file goes to secretlint (no process is started), still a pass.
    expect(scanAll([job(cleanDir, cache)])[0]).toMatchObject({ status: 0, files: 3, scanned: 0 });

    // Scanned again, alone: a new file (with a secret: caught, masked), a clean file whose content
    // changed, and a clean file under a new name. A changed .secretlintignore (the rules) sends
    // every file of its repository again. One secretlint process for both repositories.
    const secret = awsSecret();
    writeFileSync(join(cleanDir, "deploy.sh"), `export AWS_SECRET_ACCESS_KEY=${secret}\n`);
    writeFileSync(join(cleanDir, "config.ts"), `${cleanConfig}export const retries = 3;\n`);
    renameSync(join(cleanDir, "README.md"), join(cleanDir, "README2.md"));
    writeFileSync(join(twinDir, ".secretlintignore"), "generated/**\n");
    const [found, rescanned] = scanAll([job(cleanDir, cache), job(twinDir, join(caches, "twin.json"))]);
    expect({ status: found.status, files: found.files, scanned: found.scanned }).toEqual({
      status: 1,
      files: 4,
      scanned: 3,
    });
    expect(findingsOf(found, cleanDir, "deploy.sh")).not.toEqual([]);
    expect(found.output).not.toContain(secret);
    expect({ status: rescanned.status, scanned: rescanned.scanned }).toEqual({ status: 0, scanned: 4 });
    // After a finding only the file clean before and unchanged (.gitignore) is remembered.
    expect(remembered()).toBe(1);
  });

  it("remembers a scanned file only when secretlint passed and the file did not change while it ran", () => {
    const files = ["same.ts", "rewritten.ts", "deleted.ts", "cached.ts", "stale.ts"];
    const before = new Map(files.map((f) => [f, `key-${f}`]));
    // The files sent to secretlint, read again after it: one rewritten, one deleted (an unreadable
    // file gets a key that matches nothing: secretlint passes over a missing file without a word).
    const after = new Map([
      ["same.ts", "key-same.ts"],
      ["rewritten.ts", "key-rewritten-later"],
      ["deleted.ts", "key-random"],
    ]);
    const clean = new Set(["key-cached.ts", "key-of-a-removed-file"]);
    expect([...nextClean(files, before, after, clean, 0)].sort()).toEqual(["key-cached.ts", "key-same.ts"]);
    expect([...nextClean(files, before, after, clean, 1)]).toEqual(["key-cached.ts"]);
  });

  it("keeps clean verdicts for full scans of this repository only, never on CI or with --no-cache", () => {
    const root = join(__dirname, "..");
    expect(cacheFileFor({ root, named: 0, env: {} })).toBe(join(root, ".cache", "secretlint.json"));
    expect(cacheFileFor({ root, named: 0, env: { CI: "true" } })).toBeUndefined();
    expect(cacheFileFor({ root, noCache: true, named: 0, env: {} })).toBeUndefined();
    expect(cacheFileFor({ root, named: 2, env: {} })).toBeUndefined();
    expect(cacheFileFor({ root: cleanDir, named: 0, env: {} })).toBeUndefined();
  });
});
