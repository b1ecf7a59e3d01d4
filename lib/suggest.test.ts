import { closest, didYouMean, editDistance } from "./suggest";

describe("did you mean", () => {
  it("counts a transposition as one edit", () => {
    expect(editDistance("schedlue", "schedule")).toBe(1);
    expect(editDistance("natGateway", "natGateways")).toBe(1);
  });
  it("suggests near misses only", () => {
    expect(closest("schedul", ["schedule", "scheduleTimezone"])).toBe("schedule");
    expect(closest("banana", ["schedule", "enabled"])).toBeUndefined();
    expect(didYouMean("Prefix", ["prefix"])).toBe(' (did you mean "prefix"?)');
    expect(didYouMean("zz", ["ab"])).toBe("");
  });
});
