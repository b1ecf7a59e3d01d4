import { replaceBetween } from "./readme-blocks";

describe("replaceBetween", () => {
  const text = "intro\n<!-- a -->\nold\nrows\n<!-- /a -->\nafter";

  it("replaces what stands between the markers, keeping them and the text around", () => {
    expect(replaceBetween(text, "<!-- a -->", "<!-- /a -->", "new")).toBe(
      "intro\n<!-- a -->\nnew\n<!-- /a -->\nafter",
    );
  });

  it("is undefined when a marker is missing or the end marker comes only before the start", () => {
    expect(replaceBetween(text, "<!-- b -->", "<!-- /a -->", "x")).toBeUndefined();
    expect(replaceBetween(text, "<!-- a -->", "<!-- /b -->", "x")).toBeUndefined();
    expect(replaceBetween("<!-- /a -->\n<!-- a -->", "<!-- a -->", "<!-- /a -->", "x")).toBeUndefined();
  });
});
