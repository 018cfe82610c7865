/**
 * @awsamp/dynamic resourcePolicyProvider: each dynamic ResourcePolicy gets a provider of its own that carries
 * the resource's URN, through Pulumi's closure serialization into the dynamic-provider process.
 */
import * as dynamic from "@awsamp/dynamic";
import { DYNAMIC_TYPE } from "@awsamp/dynamic/resourcePolicy";
import type { ResourcePolicyProvider } from "@awsamp/dynamic/resourcePolicyProvider";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { type ProgramRun, runProgram } from "../sdk/programMocks";

/** What the dynamic-provider process does with `__provider`: require-from-string, then `handler()`. */
const requireFromString: (code: string) => {
  handler(): ResourcePolicyProvider;
} = require("require-from-string");

/** The serialized provider of the dynamic ResourcePolicy named `name`. */
function providerTextOf(run: ProgramRun, name: string): string {
  const provider = run.resources.find((resource) => resource.name === name)?.inputs.__provider;
  if (typeof provider !== "string")
    throw new Error(`the dynamic ResourcePolicy ${name} registered no __provider`);
  return provider;
}

/** The provider as the dynamic-provider process rebuilds it from the serialized text. */
function deserialized(text: string): ResourcePolicyProvider {
  return requireFromString(text).handler();
}

const args = { workspaceId: "ws-serialized", policyDocument: "{}" };

describe("dynamic ResourcePolicy provider", () => {
  it("registers under pulumi-nodejs:dynamic/awsamp:ResourcePolicy, the type its URN is computed with", async () => {
    const run = await runProgram(() => {
      new dynamic.ResourcePolicy("policy", args);
    });

    expect(DYNAMIC_TYPE).to.equal("pulumi-nodejs:dynamic/awsamp:ResourcePolicy");
    expect(run.resources.map((resource) => resource.type)).to.deep.equal([DYNAMIC_TYPE]);
  });

  it("carries, once serialized and rebuilt, the URN the engine gives its resource", async () => {
    const run = await runProgram(
      () => {
        const policy = new dynamic.ResourcePolicy("policy", args);
        return { urn: policy.urn };
      },
      { project: "awsamp-urn" },
    );

    const provider = deserialized(providerTextOf(run, "policy"));
    expect(await provider.urn).to.equal(run.outputs.urn);
    expect(run.outputs.urn).to.equal(`urn:pulumi:test::awsamp-urn::${DYNAMIC_TYPE}::policy`);
  });

  it("carries a URN with its parent's type when the resource is declared under a component", async () => {
    const run = await runProgram(() => {
      const group = new pulumi.ComponentResource("example:index:Monitoring", "monitoring");
      const policy = new dynamic.ResourcePolicy("policy", args, { parent: group });
      return { urn: policy.urn };
    });

    const provider = deserialized(providerTextOf(run, "policy"));
    expect(await provider.urn).to.equal(run.outputs.urn);
    expect(run.outputs.urn).to.equal(
      `urn:pulumi:test::project::example:index:Monitoring$${DYNAMIC_TYPE}::policy`,
    );
  });

  it("gives each resource a provider of its own, holding its URN as plain text and no module", async () => {
    const run = await runProgram(() => {
      new dynamic.ResourcePolicy("first", args);
      new dynamic.ResourcePolicy("second", args);
    });

    const first = providerTextOf(run, "first");
    const second = providerTextOf(run, "second");
    expect(first).to.not.equal(second);
    expect(first).to.include(JSON.stringify(`urn:pulumi:test::project::${DYNAMIC_TYPE}::first`));
    expect(second).to.include(JSON.stringify(`urn:pulumi:test::project::${DYNAMIC_TYPE}::second`));
    // The operations are loaded by name inside each method, so nothing of the AWS SDK or gRPC is captured.
    expect(first).to.not.match(/@aws-sdk|@grpc|EngineLog|AmpClient/);
  });
});
