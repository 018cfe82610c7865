/**
 * The policy pack through the real CLI: `pulumi preview --policy-pack provider/policy-pack
 * --policy-pack-config FILE` and `pulumi up` on programs of awsamp resources, as a reviewer's CI runs them.
 * (@pulumi/aws's aws.amp.ResourcePolicy cannot run here: tests/policyPack/policies.test.ts drives the pack's
 * analyzer with that type's inputs instead.)
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import type { AmpEmulator, WorkspaceView } from "../emulator/server";
import { REPO_ROOT } from "../harness/plugin";
import { type PackConfig, POLICY_PACK_DIR } from "../harness/policyPack";
import type { CliResult, PulumiProject } from "../harness/pulumiCli";
import { POLICY_TYPE, useEndToEnd } from "./emulatorProject";

const PROJECT = "awsamp-policy-pack";
const EXAMPLE_CONFIG = path.join(REPO_ROOT, "examples", "policy-pack", "config.json");
const PARTNER_ACCOUNT = "444455556666";
const ORG = "o-a1b2c3d4e5";

/** One policyEvent of the CLI's streamed JSON: a violation, on a resource, at a level. */
interface PolicyEvent {
  resourceUrn: string;
  policyName: string;
  enforcementLevel: "advisory" | "mandatory";
  message: string;
}

/** One policyAnalyzeSummaryEvent: the policies a resource passed and failed. */
interface PolicySummary {
  resourceUrn: string;
  passed?: string[];
  failed?: string[];
}

interface PolicyPreview extends CliResult {
  violations: PolicyEvent[];
  summaries: PolicySummary[];
  /** The messages of the error diagnostics, such as a provider's Check failure. */
  errors: string[];
}

/** One diagnosticEvent of the CLI's streamed JSON. */
interface Diagnostic {
  severity: string;
  message: string;
}

const README = path.join(REPO_ROOT, "README.md");
const README_MARKER = "<!-- captured: policy pack review -->\n```text\n";

/**
 * The `Policies:` block of a preview's output, up to the blank line after it, naming the pack's folder as
 * README.md's command does, under CHECKOUT (the suite gives the CLI its absolute path).
 */
function policiesBlockOf(stdout: string): string {
  const start = stdout.indexOf("Policies:\n");
  expect(start, "the preview prints a Policies: block").to.be.greaterThan(-1);
  const end = stdout.indexOf("\n\n", start);
  return stdout.slice(start, end).replaceAll(POLICY_PACK_DIR, "CHECKOUT/provider/policy-pack");
}

/**
 * README.md ("A policy pack for reviewers") quotes the CLI's Policies: block in the fenced block after
 * README_MARKER; the spec fails when the README says something the CLI no longer prints, and
 * `AWSAMP_UPDATE_README=1` writes the block into it instead, as tests/e2e/reviewerView.test.ts does its own.
 */
async function expectReadmeShows(block: string): Promise<void> {
  const text = await readFile(README, "utf8");
  const start = text.indexOf(README_MARKER);
  expect(start, `README.md has a ${README_MARKER.trim()} block`).to.be.greaterThan(-1);
  const from = start + README_MARKER.length;
  const end = text.indexOf("\n```", from - 1);
  if (process.env.AWSAMP_UPDATE_README === "1") {
    await writeFile(README, `${text.slice(0, from)}${block}${text.slice(end)}`);
    return;
  }
  expect(
    text.slice(from, end),
    "README.md's policy pack review (AWSAMP_UPDATE_README=1 rewrites it)",
  ).to.equal(block);
}

/**
 * The requests that reach the emulator besides awsamp's Check looking up the workspace a new policy goes on,
 * which it does before the engine hands the inputs to the pack.
 */
const requestsBeyondCheck = (emulator: AmpEmulator) =>
  emulator.log.entries.filter(({ operation }) => operation !== "DescribeWorkspace");

const urnOf = (name: string) => `urn:pulumi:test::${PROJECT}::${POLICY_TYPE}::${name}`;

describe("end to end: the policy pack in preview and up", function () {
  this.timeout(180_000);
  const e2e = useEndToEnd();
  let emulator: AmpEmulator;
  let project: PulumiProject;
  let workspace: WorkspaceView;

  /**
   * Sets the program's policies, each on the suite's workspace: a document's statements, as JSON text, or
   * `{ object: statements }` for the document as an object.
   */
  const declare = (policies: Record<string, unknown[] | { object: unknown[] }>) => {
    const entry = (statements: unknown[] | { object: unknown[] }) => {
      const document = {
        Version: "2012-10-17",
        Statement: Array.isArray(statements) ? statements : statements.object,
      };
      return {
        workspaceId: workspace.workspaceId,
        policyDocument: Array.isArray(statements) ? JSON.stringify(document) : document,
      };
    };
    const entries = Object.entries(policies).map(([name, statements]) => [name, entry(statements)]);
    return project.config({ policies: JSON.stringify(Object.fromEntries(entries)) });
  };

  /** Writes the pack's config file and returns the flags that run the pack with it. */
  const packFlags = async (config: PackConfig) => {
    const file = path.join(project.root, `policy-config-${Date.now()}.json`);
    await writeFile(file, JSON.stringify(config, null, 2));
    return ["--policy-pack", POLICY_PACK_DIR, "--policy-pack-config", file];
  };

  /** `pulumi preview --json` with the pack, its policy events streamed as JSON lines. */
  const preview = async (config: PackConfig): Promise<PolicyPreview> => {
    const result = await project.run(["preview", "--json", ...(await packFlags(config))], {
      env: { PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true" },
    });
    const events = result.stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map(
        (line) =>
          JSON.parse(line) as {
            policyEvent?: PolicyEvent;
            policyAnalyzeSummaryEvent?: PolicySummary;
            diagnosticEvent?: Diagnostic;
          },
      );
    return {
      ...result,
      violations: events.flatMap((event) => (event.policyEvent ? [event.policyEvent] : [])),
      summaries: events.flatMap((event) =>
        event.policyAnalyzeSummaryEvent ? [event.policyAnalyzeSummaryEvent] : [],
      ),
      errors: events.flatMap(({ diagnosticEvent: diagnostic }) =>
        diagnostic?.severity === "error" ? [diagnostic.message] : [],
      ),
    };
  };

  const statement = (fields: Record<string, unknown>) => ({
    Effect: "Allow",
    Principal: { AWS: workspaceAccount() },
    Action: ["aps:RemoteWrite"],
    Resource: workspace.arn,
    ...fields,
  });
  const workspaceAccount = () => workspace.arn.split(":")[4] as string;

  /** The organisation's rules: who may be granted, and what is mandatory. */
  const orgRules = (): PackConfig => ({
    "allowed-principals": {
      enforcementLevel: "mandatory",
      accounts: [workspaceAccount(), PARTNER_ACCOUNT],
      organizations: [ORG],
      services: ["grafana.amazonaws.com"],
    },
    "prometheus-actions": "advisory",
  });

  const compliant = () => [
    statement({ Sid: "Write" }),
    statement({
      Sid: "ReadOrg",
      Principal: "*",
      Action: ["aps:QueryMetrics", "aps:GetSeries"],
      Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } },
    }),
  ];

  before(async () => {
    if (!e2e.available) return;
    emulator = e2e.emulator;
    project = await e2e.project({ name: PROJECT, program: "policies" });
    workspace = emulator.createWorkspace("policy-pack");
  });
  beforeEach(() => emulator.clearLog());

  it("passes a compliant program, every policy passed on its resource", async () => {
    await declare({ compliant: compliant() });
    const result = await preview(orgRules());
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(result.violations).to.deep.equal([]);
    const summary = result.summaries.find((s) => s.resourceUrn === urnOf("compliant"));
    expect(summary?.passed).to.have.members([
      "valid-policy-document",
      "allowed-principals",
      "no-public-grant",
      "prometheus-actions",
      "resource-is-workspace",
      "cross-account-kms",
    ]);
    expect(summary?.failed ?? []).to.deep.equal([]);
  });

  it("fails a preview on a mandatory violation, naming each rule, its level and the JSON path", async () => {
    await declare({
      compliant: compliant(),
      anyone: [statement({ Principal: "*", Action: ["aps:QueryMetrics"] })],
      stranger: { object: [statement({ Principal: { AWS: "arn:aws:iam::999988887777:role/Reader" } })] },
      grafana: [
        statement({
          Principal: { Service: "grafana.amazonaws.com" },
          Action: ["aps:QueryMetrics", "aps:RemoteWrite"],
        }),
      ],
    });
    const result = await preview(orgRules());
    expect(result.code, "a mandatory violation fails the preview").to.not.equal(0);
    const on = (name: string) =>
      result.violations
        .filter((v) => v.resourceUrn === urnOf(name))
        .map((v) => `${v.enforcementLevel} ${v.policyName}`)
        .sort();
    expect(on("compliant")).to.deep.equal([]);
    expect(on("anyone")).to.deep.equal(["mandatory allowed-principals", "mandatory no-public-grant"]);
    expect(on("stranger"), "a document given as an object").to.deep.equal([
      "advisory cross-account-kms",
      "mandatory allowed-principals",
    ]);
    expect(on("grafana")).to.deep.equal(["advisory prometheus-actions"]);
    const messages = result.violations.map((v) => v.message).join("\n");
    expect(messages).to.include(
      'policyDocument $.Statement[0].Principal: "*" grants aps:QueryMetrics to anyone with an AWS account',
    );
    expect(messages).to.include(
      'policyDocument $.Statement[0].Principal.AWS: "arn:aws:iam::999988887777:role/Reader" is in account 999988887777, which is not an allowed account',
    );
    expect(messages).to.include(
      'policyDocument $.Statement[0].Action[1]: "aps:RemoteWrite" gives write access to "grafana.amazonaws.com"',
    );
    expect(
      requestsBeyondCheck(emulator),
      "preview sends AWS nothing but Check's look at the workspace",
    ).to.deep.equal([]);
  });

  it("shows an advisory violation and lets the preview pass", async () => {
    await declare({ anyone: [statement({ Principal: "*", Action: ["aps:QueryMetrics"] })] });
    const result = await preview({ all: "advisory" });
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(result.violations.map((v) => `${v.enforcementLevel} ${v.policyName}`).sort()).to.deep.equal([
      "advisory allowed-principals",
      "advisory no-public-grant",
    ]);
  });

  it("refuses a config file that misspells an account, naming the rule and the property", async () => {
    await declare({ compliant: compliant() });
    const result = await preview({ "allowed-principals": { accounts: ["4444-5555-6666"] } });
    expect(result.code).to.not.equal(0);
    expect(result.stdout + result.stderr).to.include(
      "validating policy config: awsamp 0.1.0  allowed-principals: accounts.0: Does not match pattern",
    );
  });

  it("the README's review: the example config on a change that widens access fails preview, showing why", async () => {
    await declare({
      dashboards: [
        statement({
          Principal: { Service: "grafana.amazonaws.com" },
          Action: ["aps:QueryMetrics", "aps:RemoteWrite"],
        }),
      ],
      partner: [statement({ Principal: { AWS: "999988887777" }, Action: ["aps:QueryMetrics"] })],
    });
    const result = await project.run([
      "preview",
      "--policy-pack",
      POLICY_PACK_DIR,
      "--policy-pack-config",
      EXAMPLE_CONFIG,
    ]);
    expect(result.code).to.not.equal(0);
    await expectReadmeShows(policiesBlockOf(result.stdout));
  });

  it("reports an action AMP refuses in awsamp's resource as valid-policy-document, as its Check does", async () => {
    await declare({ wildcard: [statement({ Action: ["aps:QueryMetrics", "aps:*"] })] });
    const result = await preview(orgRules());
    expect(result.code).to.not.equal(0);
    const refused = 'policyDocument $.Statement[0].Action[1]: "aps:*" is a wildcard, which AMP refuses';
    expect(result.errors.join("\n"), "Check's error").to.include(refused);
    expect(result.violations.map((v) => `${v.enforcementLevel} ${v.policyName}`)).to.deep.equal([
      "mandatory valid-policy-document",
    ]);
    expect(result.violations[0]?.message).to.include(refused);
    const summary = result.summaries.find((s) => s.resourceUrn === urnOf("wildcard"));
    expect(summary?.failed, "prometheus-actions reads only documents Check accepts").to.deep.equal([
      "valid-policy-document",
    ]);
  });

  it("checks the dynamic provider's ResourcePolicy too", async () => {
    const dynamic = await e2e.project({
      name: "awsamp-policy-pack-dynamic",
      program: "dynamic",
      pluginPath: false,
      packages: ["@awsamp/dynamic", "@pulumi/pulumi", "typescript"],
    });
    await dynamic.config({
      workspaceId: workspace.workspaceId,
      policyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [statement({ Principal: "*" })] }),
    });
    const result = await dynamic.run(["preview", ...(await packFlags(orgRules()))]);
    expect(result.code).to.not.equal(0);
    expect(result.stdout).to.include(
      "- [mandatory]  no-public-grant  (pulumi-nodejs:dynamic/awsamp:ResourcePolicy: policy)",
    );
    expect(result.stdout).to.include(
      'policyDocument $.Statement[0].Principal: "*" grants aps:RemoteWrite to anyone',
    );
  });

  it("stops pulumi up at a mandatory violation before anything is written to the emulator", async () => {
    await declare({ anyone: [statement({ Principal: "*", Action: ["aps:QueryMetrics"] })] });
    const result = await project.run(["up", "--yes", "--skip-preview", ...(await packFlags(orgRules()))]);
    expect(result.code, result.stdout).to.not.equal(0);
    expect(result.stdout).to.include("[mandatory]  no-public-grant");
    expect(emulator.count("PutResourcePolicy"), "no policy was written").to.equal(0);
    expect(requestsBeyondCheck(emulator)).to.deep.equal([]);
    const state = await project.exportStack();
    expect(state.deployment.resources?.filter((r) => r.type === POLICY_TYPE) ?? []).to.deep.equal([]);
  });
});
