/** The settings of the SaaS API styles: each malformed entry is refused, naming the field. */
import { loadSources } from "../../../config";
import { parseSourceSettings } from "./settings";

const base = {
  enabled: true,
  request: { url: "https://api.test/v1/x" },
  auth: { type: "none" },
  records: { path: "data" },
  pagination: { type: "none" },
  target: { prefix: "saas/x" },
};

const refusal = (patch: Record<string, unknown>): string[] => {
  try {
    parseSourceSettings("s", { ...base, ...patch });
  } catch (e) {
    return (e as { problems: string[] }).problems;
  }
  return [];
};

describe("new pagination and auth settings", () => {
  it("accepts a well-formed entry of each new type", () => {
    for (const pagination of [
      { type: "next-url", path: "nextRecordsUrl", stopPath: "done" },
      { type: "next-url", path: "next_page" },
      { type: "header-cursor", header: "X-Next-Cursor", param: "cursor" },
      { type: "last-record", field: "id", param: "starting_after", hasMorePath: "has_more" },
    ])
      expect(refusal({ pagination })).toEqual([]);
    for (const auth of [
      { type: "basic", secretId: "s" },
      { type: "query", param: "api_key", secretId: "s" },
      {
        type: "oauth2-client-credentials",
        tokenUrl: "https://login.test/token",
        secretId: "s",
        scope: "a b",
        audience: "x",
      },
      { type: "oauth2-client-credentials", tokenUrl: "http://127.0.0.1:8080/token", secretId: "s" },
    ])
      expect(refusal({ auth })).toEqual([]);
    expect(
      parseSourceSettings("s", {
        ...base,
        auth: { type: "oauth2-client-credentials", tokenUrl: "https://t.test/", secretId: "s" },
      }).auth,
    ).toMatchObject({ clientAuth: "body" });
  });

  it.each([
    ["next-url without path", "pagination.path", { pagination: { type: "next-url", stopPath: "done" } }],
    [
      "next-url with an empty stopPath",
      "pagination.stopPath",
      { pagination: { type: "next-url", path: "n", stopPath: "" } },
    ],
    [
      "header-cursor without param",
      "pagination.param",
      { pagination: { type: "header-cursor", header: "X-Next-Cursor" } },
    ],
    [
      "header-cursor with a bad header name",
      "pagination.header",
      { pagination: { type: "header-cursor", header: "X Next", param: "c" } },
    ],
    [
      "last-record without field",
      "pagination.field",
      { pagination: { type: "last-record", param: "starting_after" } },
    ],
    [
      "last-record with a numeric hasMorePath",
      "pagination.hasMorePath",
      { pagination: { type: "last-record", field: "id", param: "a", hasMorePath: 1 } },
    ],
    ["basic without secretId", "auth.secretId", { auth: { type: "basic" } }],
    ["basic with an inline password", "auth", { auth: { type: "basic", secretId: "s", password: "x" } }],
    ["query without param", "auth.param", { auth: { type: "query", secretId: "s" } }],
    [
      "oauth2 without tokenUrl",
      "auth.tokenUrl",
      { auth: { type: "oauth2-client-credentials", secretId: "s" } },
    ],
    [
      "oauth2 with an http tokenUrl",
      "auth.tokenUrl",
      { auth: { type: "oauth2-client-credentials", tokenUrl: "http://login.test/token", secretId: "s" } },
    ],
    [
      "oauth2 with an unknown clientAuth",
      "auth.clientAuth",
      {
        auth: {
          type: "oauth2-client-credentials",
          tokenUrl: "https://t.test/",
          secretId: "s",
          clientAuth: "jwt",
        },
      },
    ],
  ])("refuses %s, naming %s", (_name, field, patch) => {
    const problems = refusal(patch);
    expect(problems.map((p) => p.split(":")[0])).toContain(field);
  });

  it("config/sources.ts refuses the same entries at the edge, naming the source and field", () => {
    expect(() =>
      loadSources([
        {
          id: "stripe_customers",
          startDate: "2024-01-01",
          columns: [{ name: "id", type: "string" }],
          settings: { ...base, pagination: { type: "last-record", param: "starting_after" } },
        },
      ]),
    ).toThrow(/sources\[stripe_customers\]\.settings\.pagination\.field/);
  });
});
