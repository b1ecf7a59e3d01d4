import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSources } from "../../config";
import { parseSourceSettings } from "./core/settings";
import { servesPath } from "./dev/demo-saas-apis";
import { recipes } from "./recipes";

const readme = readFileSync(join(__dirname, "../../README.md"), "utf8");

describe("README recipes", () => {
  it("only recipe paths are taken for API copies, not the generic demo endpoints", () => {
    for (const p of ["/cursor", "/page", "/offset", "/link", "/none", "/v1/customers/extra"])
      expect(servesPath(p)).toBe(false);
  });

  it("cover every API of issue #18 once each", () => {
    expect(recipes.map((r) => r.id)).toEqual([
      "stripe_customers",
      "salesforce_accounts",
      "zendesk_tickets",
      "hubspot_contacts",
      "slack_messages",
      "github_issues",
      "shopify_orders",
      "internal_events",
    ]);
  });

  it.each(recipes.map((r) => [r.id, r] as const))(
    "%s is a valid settings item and a valid config/sources.ts entry",
    (id, r) => {
      expect(() => parseSourceSettings(id, r.settings)).not.toThrow();
      const [source] = loadSources([
        { id, startDate: "2024-01-01", columns: [{ name: "id", type: "string" }], settings: r.settings },
      ]);
      expect(source.settings.target.prefix).toBe(`saas/${id}`);
      expect(new URL(r.settings.request.url).protocol).toBe("https:");
      // npm run ingest:local runs it (or a config/sources.ts entry made from it) against the demo API's copy.
      expect(servesPath(new URL(r.settings.request.url).pathname)).toBe(true);
    },
  );

  it.each(recipes.map((r) => [r.id, r] as const))("%s is shown in the README exactly as tested", (_id, r) => {
    expect(readme).toContain(`\`\`\`json\n${JSON.stringify(r.settings, null, 2)}\n\`\`\``);
  });
});
