/** The SDK's Provider and stack config, and how the package registers itself with the runtime. */
import * as awsamp from "@awsamp/awsamp";
import * as pulumi from "@pulumi/pulumi";
import { expect, use } from "chai";
import chaiAsPromised from "chai-as-promised";
import { onlyOfType, runProgram, wrappedSecret } from "./programMocks";
import { SCHEMA_VERSION } from "./sdkPackage";

use(chaiAsPromised);

const DOCUMENT = '{"Version":"2012-10-17","Statement":[]}';

describe("Provider (SDK)", () => {
  it("registers pulumi:providers:awsamp with its settings, the credentials as secrets", async () => {
    const run = await runProgram(() => {
      new awsamp.Provider("eu", {
        region: "eu-west-1",
        endpoint: "http://127.0.0.1:4566",
        profile: "ops",
        accessKey: "AKIAEXAMPLE",
        secretKey: "secret",
        token: "session",
      });
    });

    const provider = onlyOfType(run, "pulumi:providers:awsamp");
    expect(provider.inputs).to.deep.equal({
      region: "eu-west-1",
      endpoint: "http://127.0.0.1:4566",
      profile: "ops",
      accessKey: wrappedSecret("AKIAEXAMPLE"),
      secretKey: wrappedSecret("secret"),
      token: wrappedSecret("session"),
    });
    expect(provider.secretInputs).to.deep.equal(["accessKey", "secretKey", "token"]);
    expect(provider.version).to.equal(SCHEMA_VERSION);
  });

  // The plugin's config takes the boolean as the JSON text generated SDKs send for a non-string setting.
  it("sends skipWorkspaceCheck as the JSON text of its boolean, and nothing when it is not given", async () => {
    const run = await runProgram(() => {
      new awsamp.Provider("offline", { region: "eu-west-1", skipWorkspaceCheck: true });
      new awsamp.Provider("online", { region: "eu-west-1", skipWorkspaceCheck: false });
    });

    const inputsOf = (name: string) => run.resources.find((resource) => resource.name === name)?.inputs;
    expect(inputsOf("offline")).to.deep.equal({ region: "eu-west-1", skipWorkspaceCheck: "true" });
    expect(inputsOf("online")).to.deep.equal({ region: "eu-west-1", skipWorkspaceCheck: "false" });
  });

  it("sends no credentials when none are given, leaving them to the AWS environment", async () => {
    const run = await runProgram(() => {
      new awsamp.Provider("default-chain", { region: "us-west-2" });
    });

    const provider = onlyOfType(run, "pulumi:providers:awsamp");
    expect(provider.inputs).to.deep.equal({ region: "us-west-2" });
    expect(provider.secretInputs).to.deep.equal([]);
  });

  it("is the provider of the resources given it in their options", async () => {
    const run = await runProgram(() => {
      const provider = new awsamp.Provider("eu", { region: "eu-west-1" });
      new awsamp.ResourcePolicy("policy", { workspaceId: "ws-1", policyDocument: DOCUMENT }, { provider });
      return { providerUrn: provider.urn, providerId: provider.id };
    });

    const policy = onlyOfType(run, "awsamp:index:ResourcePolicy");
    expect(policy.provider).to.equal(`${run.outputs.providerUrn}::${run.outputs.providerId}`);
  });

  it("isInstance recognizes awsamp providers only", async () => {
    const run = await runProgram(() => {
      const provider = new awsamp.Provider("eu", {});
      const policy = new awsamp.ResourcePolicy("policy", { workspaceId: "ws-1", policyDocument: DOCUMENT });
      return { provider: awsamp.Provider.isInstance(provider), policy: awsamp.Provider.isInstance(policy) };
    });

    expect(run.outputs).to.deep.equal({ provider: true, policy: false });
  });
});

describe("config (SDK)", () => {
  it("reads the awsamp:* stack config, undefined where unset", async () => {
    const run = await runProgram(() => ({ region: awsamp.config.region, endpoint: awsamp.config.endpoint }), {
      config: { "awsamp:region": "ap-southeast-2" },
    });

    expect(run.outputs).to.deep.equal({ region: "ap-southeast-2", endpoint: undefined });
  });

  it("reads awsamp:skipWorkspaceCheck as a boolean", async () => {
    const run = await runProgram(() => ({ skip: awsamp.config.skipWorkspaceCheck }), {
      config: { "awsamp:skipWorkspaceCheck": "true" },
    });

    expect(run.outputs).to.deep.equal({ skip: true });
  });
});

describe("package registration (SDK)", () => {
  it("lets the runtime rebuild a provider from its URN", async () => {
    const run = await runProgram(() => {
      const provider = new awsamp.Provider("eu", { region: "eu-west-1" });
      const pkg = pulumi.runtime.getResourcePackage("awsamp", SCHEMA_VERSION);
      const rebuilt = provider.urn.apply((urn) =>
        pkg?.constructProvider("again", "pulumi:providers:awsamp", urn),
      );
      return { rebuilt: rebuilt.apply((resource) => awsamp.Provider.isInstance(resource)) };
    });

    expect(run.outputs).to.deep.equal({ rebuilt: true });
  });

  it("lets the runtime rebuild a ResourcePolicy from its URN, and refuses types it does not know", async () => {
    const run = await runProgram(() => {
      const policy = new awsamp.ResourcePolicy("policy", { workspaceId: "ws-1", policyDocument: DOCUMENT });
      const module = pulumi.runtime.getResourceModule("awsamp", "index", SCHEMA_VERSION);
      const rebuilt = policy.urn.apply((urn) =>
        module?.construct("again", "awsamp:index:ResourcePolicy", urn),
      );
      return {
        rebuilt: rebuilt.apply((resource) => awsamp.ResourcePolicy.isInstance(resource)),
        unknown: policy.urn.apply((urn) => attempt(() => module?.construct("x", "awsamp:index:Nope", urn))),
      };
    });

    expect(run.outputs).to.deep.equal({ rebuilt: true, unknown: "unknown resource type awsamp:index:Nope" });
  });
});

/** The message of what `run` throws, or "no error". */
function attempt(run: () => unknown): string {
  try {
    run();
    return "no error";
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
