import { stackMatrix } from "./stack-matrix.js";

describe("stack matrix", () => {
  const manifest = {
    stacks: {
      "dp-github": {},
      "dp-bootstrap-dev": {},
      "dp-aws-dev": {},
      "dp-gcp-dev": {},
      "dp-bootstrap-prod": {},
      "dp-aws-prod": {},
      "dp-gcp-prod": {},
    },
  };
  it("lists every environment x cloud stack from the manifest, never a bootstrap or the GitHub stack (admins apply those)", () => {
    expect(stackMatrix(manifest).map((e) => e.stack)).toEqual([
      "dp-aws-dev",
      "dp-gcp-dev",
      "dp-aws-prod",
      "dp-gcp-prod",
    ]);
    expect(stackMatrix(manifest, "prod")).toEqual([
      { stack: "dp-aws-prod", cloud: "aws", env: "prod", ENV: "PROD" },
      { stack: "dp-gcp-prod", cloud: "gcp", env: "prod", ENV: "PROD" },
    ]);
  });
});
