/** The SDK's ResourcePolicy as a program uses it, under Pulumi's mocks. */
import * as awsamp from "@awsamp/awsamp";
import * as pulumi from "@pulumi/pulumi";
import { expect, use } from "chai";
import chaiAsPromised from "chai-as-promised";
import { onlyOfType, runProgram, workspaceArnFor } from "./programMocks";
import { SCHEMA_VERSION } from "./sdkPackage";

use(chaiAsPromised);

const TOKEN = "awsamp:index:ResourcePolicy";
const WORKSPACE_ID = "ws-12345678-90ab-cdef-1234-567890abcdef";
const DOCUMENT_TEXT = `{ "Version": "2012-10-17",
  "Statement": [{ "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::123456789012:root" },
    "Action": "aps:RemoteWrite", "Resource": "${workspaceArnFor(WORKSPACE_ID)}" }] }`;

describe("ResourcePolicy (SDK)", () => {
  it("registers awsamp:index:ResourcePolicy with its inputs and the package's version", async () => {
    const run = await runProgram(() => {
      new awsamp.ResourcePolicy("policy", {
        workspaceId: WORKSPACE_ID,
        policyDocument: DOCUMENT_TEXT,
        region: "eu-west-1",
      });
    });

    const registered = onlyOfType(run, TOKEN);
    expect(registered.name).to.equal("policy");
    expect(registered.inputs).to.deep.equal({
      workspaceId: WORKSPACE_ID,
      policyDocument: DOCUMENT_TEXT,
      region: "eu-west-1",
    });
    expect(registered.version).to.equal(SCHEMA_VERSION);
    expect(registered.additionalSecretOutputs).to.deep.equal([]);
  });

  it("exposes the provider's outputs: the ID, policyStatus, revisionId and the access granted", async () => {
    const run = await runProgram(() => {
      const policy = new awsamp.ResourcePolicy("policy", {
        workspaceId: WORKSPACE_ID,
        policyDocument: DOCUMENT_TEXT,
      });
      return {
        id: policy.id,
        policyStatus: policy.policyStatus,
        revisionId: policy.revisionId,
        access: policy.access,
      };
    });

    expect(run.outputs).to.deep.equal({
      id: WORKSPACE_ID,
      policyStatus: "ACTIVE",
      revisionId: "rev-1",
      access: { "arn:aws:iam::123456789012:root aps:RemoteWrite": "allow" },
    });
  });

  it("sends no access: it is an output, which the provider computes", async () => {
    const run = await runProgram(() => {
      new awsamp.ResourcePolicy("policy", { workspaceId: WORKSPACE_ID, policyDocument: DOCUMENT_TEXT });
    });

    expect(onlyOfType(run, TOKEN).inputs).to.not.have.property("access");
  });

  it("sends a typed policy document as the object it resolves to, which the plugin's Check turns into JSON", async () => {
    const arn = pulumi.output(Promise.resolve(workspaceArnFor(WORKSPACE_ID)));
    const run = await runProgram(() => {
      new awsamp.ResourcePolicy("policy", {
        workspaceId: WORKSPACE_ID,
        policyDocument: {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { AWS: [pulumi.output("arn:aws:iam::123456789012:root")] },
              Action: ["aps:RemoteWrite", "aps:QueryMetrics"],
              Resource: [arn],
            },
          ],
        },
      });
    });

    const expected = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: ["arn:aws:iam::123456789012:root"] },
          Action: ["aps:RemoteWrite", "aps:QueryMetrics"],
          Resource: [workspaceArnFor(WORKSPACE_ID)],
        },
      ],
    };
    expect(onlyOfType(run, TOKEN).inputs.policyDocument).to.deep.equal(expected);
  });

  it("passes JSON text through as it is, formatting and all", async () => {
    const run = await runProgram(() => {
      new awsamp.ResourcePolicy("policy", {
        workspaceId: WORKSPACE_ID,
        policyDocument: pulumi.output(Promise.resolve(DOCUMENT_TEXT)),
      });
    });

    expect(onlyOfType(run, TOKEN).inputs.policyDocument).to.equal(DOCUMENT_TEXT);
  });

  it("refuses to be declared without a workspaceId, as generated SDKs do", async () => {
    const args = { policyDocument: DOCUMENT_TEXT } as unknown as awsamp.ResourcePolicyArgs;
    await expect(runProgram(() => new awsamp.ResourcePolicy("policy", args))).to.be.rejectedWith(
      "Missing required property 'workspaceId'",
    );
  });

  it("refuses to be declared without a policyDocument", async () => {
    const args = { workspaceId: WORKSPACE_ID } as unknown as awsamp.ResourcePolicyArgs;
    await expect(runProgram(() => new awsamp.ResourcePolicy("policy", args))).to.be.rejectedWith(
      "Missing required property 'policyDocument'",
    );
  });

  it("get reads an existing policy by workspace ID, with the state given to qualify the lookup", async () => {
    const run = await runProgram(() => {
      const existing = awsamp.ResourcePolicy.get("existing", WORKSPACE_ID, { region: "eu-west-1" });
      return { workspaceId: existing.workspaceId, revisionId: existing.revisionId, region: existing.region };
    });

    const read = onlyOfType(run, TOKEN);
    expect(read.id).to.equal(WORKSPACE_ID);
    expect(read.inputs).to.deep.equal({ region: "eu-west-1" });
    expect(read.version).to.equal(SCHEMA_VERSION);
    expect(run.outputs).to.deep.equal({
      workspaceId: WORKSPACE_ID,
      revisionId: "rev-1",
      region: "eu-west-1",
    });
  });

  it("isInstance recognizes its own resources and nothing else", async () => {
    const run = await runProgram(() => {
      const policy = new awsamp.ResourcePolicy("policy", {
        workspaceId: WORKSPACE_ID,
        policyDocument: DOCUMENT_TEXT,
      });
      const provider = new awsamp.Provider("provider", {});
      return {
        policy: awsamp.ResourcePolicy.isInstance(policy),
        provider: awsamp.ResourcePolicy.isInstance(provider),
        lookalike: awsamp.ResourcePolicy.isInstance({
          __pulumiType: "aws:amp/resourcePolicy:ResourcePolicy",
        }),
        undefined: awsamp.ResourcePolicy.isInstance(undefined),
        null: awsamp.ResourcePolicy.isInstance(null),
      };
    });

    expect(run.outputs).to.deep.equal({
      policy: true,
      provider: false,
      lookalike: false,
      undefined: false,
      null: false,
    });
  });
});
