import { SourceShapeError } from "../errors";
import { nextPage } from "../pagination";

const h = (init: Record<string, string> = {}) => new Headers(init);

describe("next-url", () => {
  const salesforce = { type: "next-url" as const, path: "nextRecordsUrl", stopPath: "done" };
  const zendesk = { type: "next-url" as const, path: "next_page", stopPath: "end_of_stream" };

  it("resolves a relative next URL against the current one and adds nothing to it", () => {
    const cur = "https://acme.my.salesforce.com/services/data/v62.0/query?q=SELECT+Id+FROM+Account";
    const body = { done: false, nextRecordsUrl: "/services/data/v62.0/query/01gD0000002HU6KIAW-2000" };
    expect(nextPage(salesforce, cur, body, h(), 2000)).toBe(
      "https://acme.my.salesforce.com/services/data/v62.0/query/01gD0000002HU6KIAW-2000",
    );
  });

  it("follows an absolute next URL as given", () => {
    const next = "https://acme.zendesk.com/api/v2/incremental/tickets.json?start_time=1704070800";
    expect(
      nextPage(
        zendesk,
        "https://acme.zendesk.com/api/v2/incremental/tickets.json?start_time=1",
        {
          next_page: next,
          end_of_stream: false,
        },
        h(),
        1000,
      ),
    ).toBe(next);
  });

  it("ends when stopPath is true even though a next URL is present (Zendesk end_of_stream)", () => {
    const body = { next_page: "https://acme.zendesk.com/x?start_time=9", end_of_stream: true };
    expect(nextPage(zendesk, "https://acme.zendesk.com/x?start_time=9", body, h(), 3)).toBeUndefined();
  });

  it("ends when the next URL is absent, null or empty", () => {
    for (const body of [{ done: true }, { nextRecordsUrl: null }, { nextRecordsUrl: "" }, {}])
      expect(nextPage(salesforce, "https://a.test/q", body, h(), 1)).toBeUndefined();
  });

  it("refuses a next URL that is not a string or not http(s), naming pagination.path", () => {
    expect(() => nextPage(salesforce, "https://a.test/q", { nextRecordsUrl: 5 }, h(), 1)).toThrow(
      /pagination\.path: "nextRecordsUrl" must hold a URL string/,
    );
    expect(() =>
      nextPage(salesforce, "https://a.test/q", { nextRecordsUrl: "file:///etc/passwd" }, h(), 1),
    ).toThrow(SourceShapeError);
  });
});

describe("header-cursor", () => {
  const p = { type: "header-cursor" as const, header: "X-Next-Cursor", param: "cursor" };

  it("sends the header's cursor back as a query parameter, keeping the others", () => {
    expect(
      nextPage(p, "https://a.test/v1/events?limit=5&cursor=a", {}, h({ "x-next-cursor": "b c" }), 5),
    ).toBe("https://a.test/v1/events?limit=5&cursor=b+c");
  });

  it("ends on an absent or empty (or blank) header", () => {
    for (const headers of [h(), h({ "x-next-cursor": "" }), h({ "x-next-cursor": "  " })])
      expect(nextPage(p, "https://a.test/", {}, headers, 5)).toBeUndefined();
  });
});

describe("last-record", () => {
  const stripe = {
    type: "last-record" as const,
    field: "id",
    param: "starting_after",
    hasMorePath: "has_more",
  };

  it("sends the last record's field as the next cursor", () => {
    expect(
      nextPage(stripe, "https://api.stripe.com/v1/customers?limit=100", { has_more: true }, h(), 100, {
        id: "cus_9",
      }),
    ).toBe("https://api.stripe.com/v1/customers?limit=100&starting_after=cus_9");
  });

  it("ends on has_more false even after a full page, and on an empty page", () => {
    expect(nextPage(stripe, "https://a.test/", { has_more: false }, h(), 100, { id: "x" })).toBeUndefined();
    expect(nextPage(stripe, "https://a.test/", { has_more: true }, h(), 0, undefined)).toBeUndefined();
    const noFlag = { type: "last-record" as const, field: "id", param: "after" };
    expect(nextPage(noFlag, "https://a.test/", {}, h(), 0, undefined)).toBeUndefined();
    expect(nextPage(noFlag, "https://a.test/", {}, h(), 3, { id: 7 })).toBe("https://a.test/?after=7");
  });

  it("reads a dot path of the last record", () => {
    const p = { type: "last-record" as const, field: "meta.seq", param: "after" };
    expect(nextPage(p, "https://a.test/", {}, h(), 1, { meta: { seq: 42 } })).toBe(
      "https://a.test/?after=42",
    );
  });

  it("refuses a missing field or a has_more that is not a boolean, naming the setting", () => {
    expect(() => nextPage(stripe, "https://a.test/", { has_more: true }, h(), 1, { name: "x" })).toThrow(
      /pagination\.field: "id" must be a string or number in the last record/,
    );
    expect(() => nextPage(stripe, "https://a.test/", { has_more: "yes" }, h(), 1, { id: "x" })).toThrow(
      /pagination\.hasMorePath: "has_more" must be true or false/,
    );
  });
});
