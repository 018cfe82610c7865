/**
 * examples/python through the real CLI: a Python program on the generated Python SDK (sdk/python), in the
 * environment `make python` builds (.tools/python), creates the policy from its typed document, previews
 * with no changes and destroys it.
 */
import { spawnSync } from "node:child_process";
import { constants } from "node:fs";
import { access, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import { REPO_ROOT } from "../harness/plugin";
import { type PulumiProject, resourcesOfType } from "../harness/pulumiCli";
import { POLICY_TYPE, policyUrn, useEndToEnd } from "./emulatorProject";

/** The program, as a user would run it from the repository. */
const PROGRAM = path.join(REPO_ROOT, "examples", "python");
/** The environment `make python` builds from tools/python/requirements.txt, with the SDK installed. */
const VIRTUALENV = path.join(REPO_ROOT, ".tools", "python");
const PROJECT = "awsamp-python";
const MONITORING_ACCOUNT = "210987654321";
const READ_ACTIONS = ["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"];

describe("end to end: a Python program", function () {
  this.timeout(240_000);
  const e2e = useEndToEnd();
  let project: PulumiProject;
  let venvMissing: string | undefined;

  before(async () => {
    try {
      await access(path.join(VIRTUALENV, "bin", "python"), constants.X_OK);
    } catch {
      venvMissing = `no Python environment at ${VIRTUALENV}: run \`make python\``;
    }
  });

  beforeEach(function () {
    if (!venvMissing) return;
    if (process.env.CI === "true")
      throw new Error(`under CI=true the Python end-to-end test must run, but ${venvMissing}`);
    if (this.currentTest) this.currentTest.title += ` (skipped: ${venvMissing})`;
    this.skip();
  });

  it("creates the typed document's policy with up, previews no changes, and destroys it", async () => {
    const workspace = e2e.emulator.createWorkspace("python");
    project = await e2e.project({
      name: PROJECT,
      program: PROGRAM,
      runtime: { name: "python", options: { virtualenv: VIRTUALENV } },
      config: {
        workspaceId: workspace.workspaceId,
        workspaceArn: workspace.arn,
        monitoringAccount: MONITORING_ACCOUNT,
      },
    });

    // As examples/python/Pulumi.yaml has it: relative to the project's folder.
    const projectFile = path.join(project.dir, "Pulumi.yaml");
    const written = await readFile(projectFile, "utf8");
    const relative = path.relative(project.dir, VIRTUALENV);
    expect(written).to.include(`virtualenv: ${JSON.stringify(VIRTUALENV)}`);
    await writeFile(projectFile, written.replace(JSON.stringify(VIRTUALENV), JSON.stringify(relative)));

    // Only that option can give the program its packages: no virtualenv is on the CLI's PATH, and the python3
    // there cannot import them. tools/pulumi/languagehost hands the option to v3.68.0's host, which reads it
    // only from a flag CLI v3.248.0 no longer passes.
    expect(project.env.PATH?.split(path.delimiter)).to.not.include(path.join(VIRTUALENV, "bin"));
    const plain = spawnSync("python3", ["-c", "import pulumi, pulumi_awsamp"], { env: project.env });
    expect(plain.status, "the CLI's python3 imports pulumi_awsamp").to.not.equal(0);

    const up = await project.must(["up", "--yes"]);
    expect(up.stdout, "the program accepted the KMS reminder").to.not.include("KMS");

    // The program gave an object; the plugin's Check wrote it as JSON text (compact, in IAM's key order:
    // Python sends Statement ahead of Version), and that text is what AWS holds.
    const held = e2e.emulator.policyOf(workspace.workspaceId);
    expect(held?.policyStatus).to.equal("ACTIVE");
    const text = String(held?.policyDocument);
    const expected = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "MonitoringAccountRead",
          Effect: "Allow",
          Principal: { AWS: [MONITORING_ACCOUNT] },
          Action: READ_ACTIONS,
          Resource: [workspace.arn],
        },
      ],
    };
    expect(JSON.parse(text)).to.deep.equal(expected);
    expect(text).to.equal(JSON.stringify(expected));

    const [policy] = resourcesOfType(await project.exportStack(), POLICY_TYPE);
    expect(policy?.urn).to.equal(policyUrn(PROJECT, "monitoring"));
    expect(policy?.id).to.equal(workspace.workspaceId);
    expect(policy?.outputs).to.include({
      policyDocument: text,
      policyStatus: "ACTIVE",
      revisionId: held?.revisionId,
    });
    expect(policy?.inputs).to.deep.include({ policyDocument: text, acceptedWarnings: ["cross-account-kms"] });
    const outputs = JSON.parse((await project.must(["stack", "output", "--json"])).stdout);
    expect(outputs).to.deep.equal({ policyDocument: text, revisionId: held?.revisionId });

    await project.must(["preview", "--expect-no-changes"]);
    expect(e2e.emulator.count("PutResourcePolicy"), "one put, by up").to.equal(1);

    await project.must(["destroy", "--yes"]);
    expect(e2e.emulator.policyOf(workspace.workspaceId)).to.equal(undefined);
    expect((await project.exportStack()).deployment.resources ?? []).to.deep.equal([]);
  });
});
