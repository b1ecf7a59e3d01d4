/**
 * Secret scanning (`npm run lint:secrets`): the scanner the repository runs on itself catches a
 * planted AWS secret key, private keys and a GCP service-account key file, masks them in its
 * output, and sees new files before their first commit. Every planted value is generated here at
 * run time, so the repository itself holds nothing secret-looking.
 */
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repositoryFiles, scan } from "../scripts/scan-secrets.js";

const rsaPem = (type: "pkcs1" | "pkcs8") =>
  generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type, format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
/** A 40-character AWS secret access key made of random bytes (never a real one), ending in `last`. */
const awsSecret = (last = "K") => `${randomBytes(30).toString("base64").slice(0, 39)}${last}`;
const awsKeyId = () =>
  `AKIA${Array.from(randomBytes(16), (b) => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[b % 32]).join("")}`;

// Each case spawns secretlint (about 1 s alone, more on a loaded machine).
jest.setTimeout(60_000);

describe("secret scanning", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "dp-secrets-"));
    execFileSync("git", ["init", "-q"], { cwd: dir });
    writeFileSync(join(dir, ".gitignore"), ".env\n");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const plant = (name: string, content: string) => writeFileSync(join(dir, name), content);
  const scanRepo = () => scan(dir, repositoryFiles(dir), { format: "compact" });

  it("passes placeholders that only look like keys (documentation, redacted examples)", () => {
    const begin = ["-----BEGIN", "PRIVATE", "KEY-----"].join(" ");
    const end = ["-----END", "PRIVATE", "KEY-----"].join(" ");
    plant(
      "README.md",
      `Paste your key:\n${begin}\n...\n${end}\naws_secret_access_key = <from Secrets Manager>\n`,
    );
    expect(scanRepo().status).toBe(0);
  });

  it("passes a repository without secrets (so the failures below are the planted values)", () => {
    plant(
      "config.ts",
      'export const secretId = "dp/saas/demo-api-token";\nconst region = "ap-northeast-1";\n',
    );
    const r = scanRepo();
    expect(r).toEqual({ status: 0, output: expect.any(String), files: 2 });
  });

  it("catches an AWS secret access key in a new, not yet committed file, and masks it", () => {
    const secret = awsSecret();
    plant(
      "deploy.sh",
      `export AWS_ACCESS_KEY_ID=${awsKeyId()}\nexport AWS_SECRET_ACCESS_KEY=${secret}\nnpx cdktf deploy\n`,
    );
    const r = scanRepo();
    expect(r.status).toBe(1);
    expect(r.output).toMatch(/deploy\.sh.*AWSSecretAccessKey/);
    expect(r.output).not.toContain(secret);
  });

  it.each(["/", "+"])(
    "catches an AWS secret key ending in %s (the preset misses those; our own check does not)",
    (last) => {
      const secret = awsSecret(last);
      plant("settings.json", JSON.stringify({ aws_secret_access_key: secret }));
      const r = scanRepo();
      expect(r.status).toBe(1);
      expect(r.output).toMatch(/settings\.json:1 .*\[DP-AWSSecretAccessKey\]/);
      expect(r.output).not.toContain(secret);
    },
  );

  it.each([
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
  ])("catches a private key (%s)", (_kind, file, key) => {
    const pem = key();
    plant(file, pem);
    const r = scanRepo();
    expect(r.status).toBe(1);
    expect(r.output).toMatch(new RegExp(`${file.replace(".", "\\.")}.*PrivateKey`));
    expect(r.output).not.toContain(pem.split("\n")[1].slice(0, 40));
    expect(r.output).not.toContain(pem.split("\n")[1]);
  });

  it("catches a GCP service-account key file (the kind IICS may be given by hand)", () => {
    const header = ["-----BEGIN", "PRIVATE", "KEY-----"].join(" ");
    const pem = rsaPem("pkcs8");
    expect(pem.startsWith(header)).toBe(true);
    plant(
      "key.json",
      JSON.stringify({
        type: "service_account",
        project_id: "dp-dev-analytics",
        private_key_id: randomBytes(20).toString("hex"),
        private_key: pem,
        client_email: "iics-loader@dp-dev-analytics.iam.gserviceaccount.com",
      }),
    );
    const r = scanRepo();
    expect(r.status).toBe(1);
    expect(r.output).toMatch(/key\.json/);
  });

  it("honours .secretlintignore (a reviewed exception) for the preset and for our own checks", () => {
    execFileSync("mkdir", ["-p", join(dir, "fixtures")]);
    plant("fixtures/rsa.pem", rsaPem("pkcs8"));
    plant("fixtures/settings.json", JSON.stringify({ aws_secret_access_key: awsSecret("/") }));
    plant(
      ".secretlintignore",
      "# synthetic keys for parser tests, generated, never used anywhere\nfixtures/**\n",
    );
    expect(scanRepo().status).toBe(0);
    plant("leak.json", JSON.stringify({ aws_secret_access_key: awsSecret("+") }));
    expect(scanRepo()).toMatchObject({ status: 1, output: expect.stringMatching(/leak\.json/) });
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
    const digits = () => String(100000000000 + (randomBytes(4).readUInt32BE() % 899999999999));
    const token = ["xoxb", digits(), digits(), randomBytes(12).toString("hex")].join("-");
    plant("slack.ts", `const t = "${token}";\n`);
    const r = scanRepo();
    expect(r.status).toBe(1);
    expect(r.output).toMatch(/slack\.ts.*SLACK_TOKEN/);
  });

  it("scans tracked and new files but not what .gitignore keeps out of the repository", () => {
    plant("tracked.ts", "export {};\n");
    execFileSync("git", ["add", "tracked.ts"], { cwd: dir });
    plant("new.ts", "export {};\n");
    plant(".env", `AWS_SECRET_ACCESS_KEY=${awsSecret()}\n`);
    expect(repositoryFiles(dir).sort()).toEqual([".gitignore", "new.ts", "tracked.ts"]);
  });
});
