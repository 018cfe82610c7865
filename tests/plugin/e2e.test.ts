/** The plugin under the real engine: `pulumi` preview, up, import and destroy a YAML program against the emulator. */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { AmpEmulator, EMULATOR_CREDENTIALS } from "../emulator/server";
import { environmentWithoutAws } from "../harness/plugin";
import { policyProgram, pulumiOnPath } from "../harness/pulumiCli";
import { policyDocument } from "../harness/session";

const run = promisify(execFile);

describe("pulumi CLI end to end", function () {
  this.timeout(300_000);
  let pulumi: string | undefined;
  let emulator: AmpEmulator;
  let workdir: string;
  let projectDir: string;
  let env: Record<string, string>;

  before(async () => {
    pulumi = await pulumiOnPath();
    if (!pulumi) return;
    emulator = await AmpEmulator.start({
      settle: { policyCreateMs: 300, policyUpdateMs: 300, policyDeleteMs: 300 },
    });
    workdir = await mkdtemp(path.join(tmpdir(), "awsamp-e2e-"));
    projectDir = path.join(workdir, "project");
    await mkdir(projectDir);
    await mkdir(path.join(workdir, "state"));
    env = {
      ...environmentWithoutAws(),
      PULUMI_BACKEND_URL: `file://${path.join(workdir, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "awsamp-e2e",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
  });
  after(async () => {
    if (!pulumi) return;
    await emulator.close();
    await rm(workdir, { recursive: true, force: true });
  });
  beforeEach(function () {
    if (pulumi) return;
    if (this.currentTest) this.currentTest.title += " (skipped: no pulumi CLI is on PATH)";
    this.skip();
  });

  async function cli(...args: string[]): Promise<string> {
    const { stdout } = await run(pulumi ?? "pulumi", [...args, "--non-interactive", "--color", "never"], {
      cwd: projectDir,
      env,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  }

  it("previews, creates, updates, imports and destroys resource policies", async () => {
    const workspace = emulator.createWorkspace("e2e");
    const first = policyDocument(workspace.arn);
    await writeFile(
      path.join(projectDir, "Pulumi.yaml"),
      policyProgram("awsamp-e2e", "policy", workspace.workspaceId, first),
    );
    await cli("stack", "init", "test");
    await cli("config", "set", "awsamp:region", emulator.region);
    await cli("config", "set", "awsamp:endpoint", emulator.endpoint);
    await cli("config", "set", "--secret", "awsamp:accessKey", EMULATOR_CREDENTIALS.accessKeyId);
    await cli("config", "set", "--secret", "awsamp:secretKey", EMULATOR_CREDENTIALS.secretAccessKey);

    emulator.clearLog();
    expect(await cli("preview")).to.include("awsamp:index:ResourcePolicy");
    expect(emulator.count("PutResourcePolicy")).to.equal(0);

    await cli("up", "--yes", "--skip-preview");
    expect(emulator.policyOf(workspace.workspaceId)).to.include({
      policyDocument: first,
      policyStatus: "ACTIVE",
    });
    await cli("preview", "--expect-no-changes");

    const second = policyDocument(workspace.arn, { actions: ["aps:RemoteWrite", "aps:QueryMetrics"] });
    await writeFile(
      path.join(projectDir, "Pulumi.yaml"),
      policyProgram("awsamp-e2e", "policy", workspace.workspaceId, second),
    );
    expect(await cli("preview", "--diff")).to.include(
      "+ allow arn:aws:iam::210987654321:root aps:QueryMetrics",
    );
    await cli("up", "--yes", "--skip-preview");
    expect(emulator.policyOf(workspace.workspaceId)?.policyDocument).to.equal(second);

    const other = emulator.createWorkspace("imported");
    emulator.putPolicyOutOfBand(other.workspaceId, policyDocument(other.arn));
    const generated = path.join(workdir, "imported.yaml");
    await cli(
      "import",
      "awsamp:index:ResourcePolicy",
      "imported",
      other.workspaceId,
      "--yes",
      "--out",
      generated,
    );
    expect(await readFile(generated, "utf8")).to.include(other.workspaceId);
    expect(await cli("stack", "export")).to.include(other.workspaceId);

    await cli("destroy", "--yes", "--skip-preview");
    expect(emulator.policyOf(workspace.workspaceId)).to.equal(undefined);
    expect(emulator.policyOf(other.workspaceId)).to.equal(undefined);
  });
});
