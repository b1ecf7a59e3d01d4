/**
 * `.github/dependabot.yml` is not covered by the Actions schema validator (`lint:workflows`), so
 * this test checks it: known keys only (a typo silently disables an option), npm and Actions both
 * updated, the cdktf bindings grouped, every local composite action scanned, and the offline
 * provider mirror's constraint stated with the versions actually installed.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

// js-yaml (untyped) comes with Jest: no dependency of its own for one test.
const { load } = require("js-yaml") as { load(text: string): unknown };

const ROOT = join(__dirname, "..");
const text = readFileSync(join(ROOT, ".github", "dependabot.yml"), "utf8");
const config = load(text) as any;
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const deps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
const update = (ecosystem: string) => config.updates.find((u: any) => u["package-ecosystem"] === ecosystem);
/** Dependabot's group patterns: `*` matches any run of characters. */
const matches = (pattern: string, name: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\/@-]/g, "\\$&").replace(/\*/g, ".*")}$`).test(name);

// Keys of an `updates` entry and of a group (docs: "Dependabot options reference").
const UPDATE_KEYS = new Set([
  "package-ecosystem",
  "directory",
  "directories",
  "schedule",
  "allow",
  "assignees",
  "commit-message",
  "cooldown",
  "exclude-paths",
  "groups",
  "ignore",
  "insecure-external-code-execution",
  "labels",
  "milestone",
  "open-pull-requests-limit",
  "pull-request-branch-name",
  "rebase-strategy",
  "registries",
  "reviewers",
  "target-branch",
  "vendor",
  "versioning-strategy",
]);
const GROUP_KEYS = new Set([
  "applies-to",
  "dependency-type",
  "patterns",
  "exclude-patterns",
  "update-types",
  "group-by",
]);

describe("dependabot.yml", () => {
  it("is version 2 with only known keys, a directory and a valid schedule on every entry", () => {
    expect(config.version).toBe(2);
    for (const u of config.updates) {
      const where = u["package-ecosystem"];
      expect({ where, unknown: Object.keys(u).filter((k) => !UPDATE_KEYS.has(k)) }).toEqual({
        where,
        unknown: [],
      });
      expect("directory" in u !== "directories" in u).toBe(true);
      expect(["daily", "weekly", "monthly", "quarterly", "semiannually", "yearly", "cron"]).toContain(
        u.schedule.interval,
      );
      for (const [name, g] of Object.entries<any>(u.groups ?? {})) {
        expect({ name, unknown: Object.keys(g).filter((k) => !GROUP_KEYS.has(k)) }).toEqual({
          name,
          unknown: [],
        });
      }
    }
  });

  it("updates npm and GitHub Actions, including every local composite action", () => {
    expect(update("npm").directory).toBe("/");
    const actionDirs = readdirSync(join(ROOT, ".github", "actions"))
      .filter((d) => existsSync(join(ROOT, ".github", "actions", d, "action.yml")))
      .map((d) => `/.github/actions/${d}`);
    expect(actionDirs.length).toBeGreaterThan(0);
    expect(update("github-actions").directories.sort()).toEqual(["/", ...actionDirs].sort());
  });

  it("moves cdktf, its CLI, constructs and every @cdktf/provider-* binding in one group", () => {
    const groups = update("npm").groups;
    const groupOf = (dep: string) =>
      Object.entries<any>(groups).find(
        ([, g]) =>
          (g.patterns ?? ["*"]).some((p: string) => matches(p, dep)) &&
          !(g["exclude-patterns"] ?? []).some((p: string) => matches(p, dep)),
      )?.[0];
    const bound = deps.filter((d) => /^(cdktf|cdktf-cli|constructs|@cdktf\/provider-.+)$/.test(d));
    expect(bound).toEqual(
      expect.arrayContaining(["cdktf", "cdktf-cli", "constructs", "@cdktf/provider-aws"]),
    );
    // Dependabot puts a dependency in the first group that matches.
    expect(Object.fromEntries(bound.map((d) => [d, groupOf(d)]))).toEqual(
      Object.fromEntries(bound.map((d) => [d, "cdktf"])),
    );
    expect(matches("@cdktf/provider-*", "@cdktf/provider-aws")).toBe(true);
    expect(matches("@cdktf/provider-*", "cdktf")).toBe(false);
  });

  it("holds @cdktf/provider-aws majors back and states the mirror's versions as installed", () => {
    expect(update("npm").ignore).toContainEqual({
      "dependency-name": "@cdktf/provider-aws",
      "update-types": ["version-update:semver-major"],
    });
    const binding = pkg.dependencies["@cdktf/provider-aws"];
    const providerSource = readFileSync(
      join(ROOT, "node_modules", "@cdktf", "provider-aws", "lib", "provider", "index.js"),
      "utf8",
    );
    const providerVersion = /providerVersion: '([\d.]+)'/.exec(providerSource)?.[1];
    expect(providerVersion).toMatch(/^\d+\.\d+\.\d+$/);
    // The comment next to the rule names exactly the installed binding and the provider it binds.
    expect(text).toContain(`hashicorp/aws ${providerVersion} only`);
    expect(text).toContain(`@cdktf/provider-aws ${binding} is the binding`);
  });
});
