import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { addMovedBlocks, addressAt, movedFromAddress } from "./moved";

describe("moved blocks", () => {
  it("computes an old address exactly as cdktf allocated it", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const topic = new SnsTopic(new Construct(stack, "old-scope"), "alarms-x", { name: "t" });
    const json = JSON.parse(Testing.synth(stack));
    expect(Object.keys(json.resource.aws_sns_topic)).toEqual([
      addressAt("aws_sns_topic", "old-scope/alarms-x").split(".")[1],
    ]);
    expect(topic.friendlyUniqueId).toBe(addressAt("aws_sns_topic", "old-scope/alarms-x").split(".")[1]);
  });

  it("adds a moved block from the old path to each resource a rule matches, and leaves the others", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const mod = new Construct(stack, "module");
    new SnsTopic(mod, "moved-one", { name: "a" });
    new SnsTopic(mod, "stays", { name: "b" });
    addMovedBlocks(stack, [{ type: "aws_sns_topic", to: /^module\/moved-(.+)$/, from: "old/was-$1" }]);
    const json = JSON.parse(Testing.synth(stack));
    expect(json.moved).toEqual([
      { from: addressAt("aws_sns_topic", "old/was-one"), to: addressAt("aws_sns_topic", "module/moved-one") },
    ]);
    // Synthesizing again does not add a second move (cdktf refuses two).
    expect(() => Testing.synth(stack)).not.toThrow();
    expect(movedFromAddress("aws_sns_topic", "module/stays", [])).toBeUndefined();
  });
});
