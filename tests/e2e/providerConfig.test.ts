/** Configuring the provider through the real CLI: by stack config and by an explicit Provider, credentials kept secret. */
import { expect } from "chai";
import type { AmpEmulator } from "../emulator/server";
import { resourcesOfType } from "../harness/pulumiCli";
import { policyDocument } from "../harness/session";
import { POLICY_TYPE, useEndToEnd } from "./emulatorProject";

/** Credentials no output, state or log may show: the emulator accepts any keys. */
const ACCESS_KEY = "AKIDE2ESECRETACCESS1";
const SECRET_KEY = "e2e-secret-key-never-shown-anywhere";

describe("end to end: provider configuration", function () {
  this.timeout(180_000);
  const e2e = useEndToEnd();
  let emulator: AmpEmulator;

  before(async () => {
    if (!e2e.available) return;
    emulator = e2e.emulator;
  });

  /** Every place a credential could leak to: the CLI's output, the stack export and the state file. */
  function expectNowhere(texts: string[]): void {
    for (const text of texts) {
      expect(text).to.not.include(SECRET_KEY);
      expect(text).to.not.include(ACCESS_KEY);
    }
  }

  it("takes region, endpoint and secret credentials from stack config, and shows the credentials nowhere", async () => {
    const project = await e2e.bareProject({ name: "awsamp-stack-config", program: "policy" });
    const workspace = emulator.createWorkspace("stack-config");
    await project.config(
      {
        "awsamp:region": emulator.region,
        "awsamp:endpoint": emulator.endpoint,
        workspaceId: workspace.workspaceId,
        policyDocument: policyDocument(workspace.arn),
      },
      { "awsamp:accessKey": ACCESS_KEY, "awsamp:secretKey": SECRET_KEY },
    );
    const up = await project.must(["up", "--yes"]);
    const refresh = await project.must(["refresh", "--yes", "--expect-no-changes"]);
    const destroy = await project.must(["destroy", "--yes"]);
    expect(emulator.policyOf(workspace.workspaceId)).to.equal(undefined);
    const exported = JSON.stringify(await project.exportStack());
    const stateFile = await project.stateFile();
    expectNowhere([
      up.stdout,
      up.stderr,
      refresh.stdout,
      refresh.stderr,
      destroy.stdout,
      exported,
      stateFile,
    ]);
    const stackFile = await project.stackConfigFile();
    expect(stackFile).to.include("secure:");
    expectNowhere([stackFile]);
  });

  it("takes its configuration from an explicit Provider in the program, with no awsamp stack config", async () => {
    const project = await e2e.bareProject({ name: "awsamp-explicit-provider", program: "policy" });
    const workspace = emulator.createWorkspace("explicit");
    await project.config(
      {
        explicitProvider: "true",
        providerRegion: emulator.region,
        providerEndpoint: emulator.endpoint,
        workspaceId: workspace.workspaceId,
        policyDocument: policyDocument(workspace.arn),
      },
      { providerAccessKey: ACCESS_KEY, providerSecretKey: SECRET_KEY },
    );
    const up = await project.must(["up", "--yes"]);
    expect(emulator.policyOf(workspace.workspaceId)?.policyStatus).to.equal("ACTIVE");
    const deployment = await project.exportStack();
    const [provider] = resourcesOfType(deployment, "pulumi:providers:awsamp");
    expect(provider?.inputs).to.include({ region: emulator.region, endpoint: emulator.endpoint });
    const [policy] = resourcesOfType(deployment, POLICY_TYPE);
    expect(policy?.outputs?.region).to.equal(emulator.region);
    expectNowhere([up.stdout, up.stderr, JSON.stringify(deployment), await project.stateFile()]);
    await project.must(["destroy", "--yes"]);
    expect(emulator.policyOf(workspace.workspaceId)).to.equal(undefined);
  });

  it("previews a provider whose configuration is not known yet, which the engine leaves unconfigured, and applies it", async () => {
    const project = await e2e.bareProject({ name: "awsamp-unknown-config", program: "unknownConfig" });
    const first = emulator.createWorkspace("first");
    const second = emulator.createWorkspace("second");
    await project.config(
      {
        "awsamp:region": emulator.region,
        "awsamp:endpoint": emulator.endpoint,
        providerRegion: emulator.region,
        providerEndpoint: emulator.endpoint,
        workspaceId: first.workspaceId,
        policyDocument: policyDocument(first.arn),
        secondWorkspaceId: second.workspaceId,
        secondPolicyDocument: policyDocument(second.arn),
      },
      {
        "awsamp:accessKey": ACCESS_KEY,
        "awsamp:secretKey": SECRET_KEY,
        providerAccessKey: ACCESS_KEY,
        providerSecretKey: SECRET_KEY,
      },
    );
    emulator.clearLog();
    const planned = await project.preview();
    const creates = planned.steps.filter((s) => s.op === "create").map((s) => s.urn.split("::").pop());
    expect(creates).to.include.members(["first", "later", "second"]);
    // The configured provider's Check looks at the first policy's workspace; the unconfigured one, whose
    // Check the engine skips, calls nothing.
    expect(
      emulator.log.entries.map((entry) => [entry.operation, entry.workspaceId]),
      "preview writes nothing, and looks at the first workspace only",
    ).to.deep.equal([["DescribeWorkspace", first.workspaceId]]);

    await project.must(["up", "--yes", "--skip-preview"]);
    expect(emulator.policyOf(first.workspaceId)?.policyStatus).to.equal("ACTIVE");
    expect(emulator.policyOf(second.workspaceId)?.policyStatus).to.equal("ACTIVE");
    await project.must(["preview", "--expect-no-changes"]);
    await project.must(["destroy", "--yes", "--skip-preview"]);
  });
});
