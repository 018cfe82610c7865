/**
 * What a reviewer reads, through the real CLI: the access a change grants and takes, under the resource's
 * name on stdout (plain and `--diff` previews, up, refresh, import) and in `--json`; Check's errors one
 * short line each, quoting nothing of a secret document.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import type { AmpEmulator } from "../emulator/server";
import type { PulumiProject } from "../harness/pulumiCli";
import { policyUrn, useEndToEnd } from "./emulatorProject";

const GRAFANA = "grafana.amazonaws.com";
const CENTRAL = "arn:aws:iam::444455556666:root";

/** A document granting the account 210987654321 writes and, where asked, Grafana and another account reads. */
function documentOf(workspaceArn: string, readers: { grafana?: boolean; central?: boolean }): string {
  const statements: Record<string, unknown>[] = [
    {
      Sid: "Write",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::210987654321:root" },
      Action: ["aps:RemoteWrite"],
      Resource: workspaceArn,
    },
  ];
  if (readers.grafana) {
    statements.push({
      Sid: "Grafana",
      Effect: "Allow",
      Principal: { Service: GRAFANA },
      Action: ["aps:QueryMetrics"],
      Resource: workspaceArn,
    });
  }
  if (readers.central) {
    statements.push({
      Sid: "Central",
      Effect: "Allow",
      Principal: { AWS: CENTRAL },
      Action: ["aps:QueryMetrics"],
      Resource: workspaceArn,
    });
  }
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

const README = path.resolve(__dirname, "../../../README.md");

/**
 * README.md's "What a reviewer sees" shows the CLI's output as this suite captures it, between
 * `<!-- captured: NAME -->` and the end of the fenced block after it, with the parts that differ from run to
 * run (IDs, the provider's URN) made fixed. The spec fails when the README says something the CLI no longer
 * prints; `AWSAMP_UPDATE_README=1` writes the captured output into it instead.
 */
async function expectReadmeShows(name: string, block: string): Promise<void> {
  const text = await readFile(README, "utf8");
  const marker = `<!-- captured: ${name} -->\n\`\`\`text\n`;
  const start = text.indexOf(marker);
  expect(start, `README.md has a ${marker.trim()} block`).to.be.greaterThan(-1);
  const from = start + marker.length;
  // From the newline before the closing fence, so an empty block ends where it starts.
  const end = text.indexOf("\n```", from - 1);
  const captured = stable(block);
  if (process.env.AWSAMP_UPDATE_README === "1") {
    await writeFile(README, `${text.slice(0, from)}${captured}${text.slice(end)}`);
    return;
  }
  expect(text.slice(from, end), `README.md's ${name} block (AWSAMP_UPDATE_README=1 rewrites it)`).to.equal(
    captured,
  );
}

/** A block of output with what changes between runs fixed: workspace and revision IDs, the provider's line. */
function stable(block: string): string {
  return block
    .split("\n")
    .filter((line) => !line.includes("[provider="))
    .join("\n")
    .replace(
      /ws-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
      "ws-12345678-90ab-cdef-1234-567890abcdef",
    )
    .trimEnd();
}

/** The block of stdout that the engine prints for one resource, from its header line to the next blank line. */
function resourceBlock(stdout: string, name: string): string {
  const lines = stdout.split("\n");
  const urnLine = lines.findIndex((line) => line.includes(`::awsamp:index:ResourcePolicy::${name}]`));
  if (urnLine < 1) return "";
  let start = urnLine;
  while (start > 0 && !/awsamp:index:ResourcePolicy: \(/.test(lines[start] ?? "")) start--;
  const end = lines.findIndex((line, index) => index > urnLine && (line.trim() === "" || /^\S/.test(line)));
  return lines.slice(start, end < 0 ? undefined : end).join("\n");
}

describe("end to end: what a reviewer sees", function () {
  this.timeout(240_000);
  const e2e = useEndToEnd();
  let emulator: AmpEmulator;
  let project: PulumiProject;
  let workspace: { workspaceId: string; arn: string };

  before(async () => {
    if (!e2e.available) return;
    emulator = e2e.emulator;
    project = await e2e.project({ name: "awsamp-reviewer" });
    workspace = emulator.createWorkspace("reviewed");
    await project.config({
      workspaceId: workspace.workspaceId,
      policyDocument: documentOf(workspace.arn, { grafana: true }),
    });
  });

  it("up shows the access a new policy grants under the resource, on stdout", async () => {
    const up = await project.must(["up", "--yes", "--diff"]);
    const block = resourceBlock(up.stdout, "policy");
    expect(block).to.match(/\+ awsamp:index:ResourcePolicy: \(create\)/);
    expect(block).to.match(/access\s*: \{/);
    expect(block).to.match(/arn:aws:iam::210987654321:root aps:RemoteWrite\s*: "allow"/);
    expect(block).to.match(new RegExp(`service:${GRAFANA} aps:QueryMetrics\\s*: "allow"`));
  });

  it("preview --diff shows the grants a change adds and removes under the resource, on stdout and in --json", async () => {
    await project.config({ policyDocument: documentOf(workspace.arn, { central: true }) });
    const preview = await project.must(["preview", "--diff"]);
    const block = resourceBlock(preview.stdout, "policy");
    await expectReadmeShows("preview --diff", block);
    expect(block).to.match(/~ access\s*:/);
    expect(block).to.match(new RegExp(`\\+ ${CENTRAL} aps:QueryMetrics\\s*: "allow"`));
    expect(block).to.match(new RegExp(`- service:${GRAFANA} aps:QueryMetrics\\s*: "allow"`));
    expect(preview.stderr, "nothing about access is left to stderr").to.not.include("aps:QueryMetrics");

    const planned = await project.preview();
    const step = planned.steps.find((s) => s.urn === policyUrn("awsamp-reviewer"));
    expect(step?.detailedDiff).to.have.property("access");
    expect(step?.newState?.inputs?.access).to.deep.equal({
      "arn:aws:iam::210987654321:root aps:RemoteWrite": "allow",
      [`${CENTRAL} aps:QueryMetrics`]: "allow",
    });
  });

  it("refresh shows a grant added outside the program as added, and one removed as removed", async () => {
    await project.config({ policyDocument: documentOf(workspace.arn, { grafana: true }) });
    emulator.putPolicyOutOfBand(workspace.workspaceId, documentOf(workspace.arn, { central: true }));
    const refresh = await project.must(["refresh", "--yes", "--diff"]);
    const [, refreshed] = refresh.stdout.split(/^Refreshing \(test\):$/m);
    const block = resourceBlock(refreshed ?? "", "policy");
    await expectReadmeShows("refresh --diff", block);
    expect(block).to.match(new RegExp(`\\+ ${CENTRAL} aps:QueryMetrics\\s*: "allow"`));
    expect(block).to.match(new RegExp(`- service:${GRAFANA} aps:QueryMetrics\\s*: "allow"`));
    // The engine's own diff of the document points the same way: the Principal went from Grafana to CENTRAL.
    expect(block).to.match(new RegExp(`\\+ AWS\\s*: "${CENTRAL}"`));
    expect(block).to.match(new RegExp(`- Service: "${GRAFANA}"`));
  });

  it("import shows the access being adopted", async () => {
    const adopted = emulator.createWorkspace("adopted");
    emulator.putPolicyOutOfBand(adopted.workspaceId, documentOf(adopted.arn, { grafana: true }));
    const imported = await project.must([
      "import",
      "awsamp:index:ResourcePolicy",
      "adopted",
      adopted.workspaceId,
      "--yes",
      "--protect=false",
      "--diff",
    ]);
    const block = resourceBlock(imported.stdout, "adopted");
    expect(block).to.match(/= awsamp:index:ResourcePolicy: \(import\)/);
    expect(block).to.match(new RegExp(`service:${GRAFANA} aps:QueryMetrics\\s*: "allow"`));
    await project.must(["state", "delete", policyUrn("awsamp-reviewer", "adopted"), "--yes"]);
  });

  it("shows a secret document's access as [secret], quoting none of it", async () => {
    // A writer only the secret document names: the state's plain access from before may show, this may not.
    const secretWriter = "777788889999";
    const secret = documentOf(workspace.arn, { grafana: true }).replace("210987654321", secretWriter);
    await project.config({ secretDocument: "true" }, { policyDocument: secret });
    const preview = await project.must(["preview", "--diff"]);
    const block = resourceBlock(preview.stdout, "policy");
    expect(block).to.match(/\+ access\s*: \[secret\]/);
    expect(preview.stdout + preview.stderr, "no grant of the secret document").to.not.include(secretWriter);
    await project.must(["config", "rm", "secretDocument"]);
    await project.config({ policyDocument: documentOf(workspace.arn, { grafana: true }) });
  });
});
