/** Adopting policies made by hand through the real CLI: `pulumi import`, its generated code, and the `import` option. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import ts from "typescript";
import type { AmpEmulator } from "../emulator/server";
import { resourcesOfType } from "../harness/pulumiCli";
import { policyDocument, reformatted } from "../harness/session";
import { POLICY_TYPE, policyUrn, useEndToEnd } from "./emulatorProject";

describe("end to end: import", function () {
  this.timeout(180_000);
  const e2e = useEndToEnd();
  let emulator: AmpEmulator;

  before(async () => {
    if (!e2e.available) return;
    emulator = e2e.emulator;
  });
  beforeEach(() => {
    emulator.clearLog();
  });

  it("pulumi import writes TypeScript that type-checks and declares the policy, and then previews with no changes", async () => {
    const project = await e2e.project({ name: "awsamp-import", program: "empty" });
    const workspace = emulator.createWorkspace("by-hand");
    const document = policyDocument(workspace.arn, { actions: ["aps:QueryMetrics", "aps:GetSeries"] });
    const revisionId = emulator.putPolicyOutOfBand(workspace.workspaceId, document);
    const generated = path.join(project.dir, "index.ts");

    await project.must([
      "import",
      POLICY_TYPE,
      "adopted",
      workspace.workspaceId,
      "--yes",
      "--out",
      generated,
    ]);
    const [imported] = resourcesOfType(await project.exportStack(), POLICY_TYPE);
    expect(imported).to.include({ urn: policyUrn("awsamp-import", "adopted"), id: workspace.workspaceId });
    expect(imported?.outputs).to.include({ policyDocument: document, revisionId, region: emulator.region });
    expect(emulator.count("PutResourcePolicy"), "import writes nothing").to.equal(0);

    const code = await readFile(generated, "utf8");
    expect(code).to.include('import * as awsamp from "@awsamp/awsamp";');
    expect(code).to.include('new awsamp.ResourcePolicy("adopted", {');
    expect(code).to.include(`workspaceId: "${workspace.workspaceId}"`);
    expect(code).to.include(`policyDocument: ${JSON.stringify(document)}`);
    expect(typeScriptErrors(generated)).to.deep.equal([]);
    await project.must(["preview", "--expect-no-changes"]);
  });

  it("the import resource option adopts the policy on up without writing it, and the next preview shows no changes", async () => {
    const project = await e2e.project({ name: "awsamp-import-option", program: "adopt" });
    const workspace = emulator.createWorkspace("option");
    const document = policyDocument(workspace.arn);
    emulator.putPolicyOutOfBand(workspace.workspaceId, document);
    // The program writes the policy its own way: the import compares by meaning.
    await project.config({ workspaceId: workspace.workspaceId, policyDocument: reformatted(document) });

    const planned = await project.preview();
    expect(planned.steps.find((s) => s.urn === policyUrn("awsamp-import-option", "adopted"))?.op).to.equal(
      "import",
    );
    await project.must(["up", "--yes", "--skip-preview"]);
    expect(emulator.count("PutResourcePolicy")).to.equal(0);
    const [adopted] = resourcesOfType(await project.exportStack(), POLICY_TYPE);
    expect(adopted?.id).to.equal(workspace.workspaceId);
    await project.must(["preview", "--expect-no-changes"]);
  });

  it("refuses to import a workspace that has no policy, saying so", async () => {
    const project = await e2e.project({ name: "awsamp-import-none", program: "empty" });
    const workspace = emulator.createWorkspace("bare");
    const failed = await project.mustFail(["import", POLICY_TYPE, "nothing", workspace.workspaceId, "--yes"]);
    expect(failed.stdout + failed.stderr).to.include(
      `importing the resource policy of workspace ${workspace.workspaceId}: the workspace has no resource policy`,
    );
    expect(resourcesOfType(await project.exportStack(), POLICY_TYPE)).to.deep.equal([]);
  });
});

/** What tsc says of a program, with the SDK and @pulumi/pulumi resolved from its node_modules. */
function typeScriptErrors(file: string): string[] {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    skipLibCheck: true,
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}
