/**
 * `make demo`: examples/basic's policy through its whole life (up, a no-change preview, an edited policy's
 * preview with its access summary and under the policy pack, import into a second stack, destroy) against
 * the embedded AMP emulator: with the `pulumi` CLI where it is on PATH, otherwise with the engine harness
 * making the same calls (which run no policy pack).
 */
import path from "node:path";
import { PROMETHEUS_COMPATIBLE_ACTIONS } from "@awsamp/core/policy";
import type { PropertyObject } from "@awsamp/plugin/values";
import { AmpEmulator, EMULATOR_CREDENTIALS } from "../tests/emulator/server";
import type { FakeEngine } from "../tests/harness/engine";
import {
  changesOf,
  checkRequest,
  createRequest,
  deleteRequest,
  detailedDiffOf,
  diffRequest,
  propertiesOf,
  readRequest,
  resourceUrn,
  updateRequest,
} from "../tests/harness/messages";
import { REPO_ROOT } from "../tests/harness/plugin";
import { findPulumiCli, PulumiProject } from "../tests/harness/pulumiCli";
import { type PluginSession, startSession } from "../tests/harness/session";

/** The account a central Grafana runs in, which the edit gives read access. */
const MONITORING_ACCOUNT = "arn:aws:iam::210987654321:root";

/** examples/basic's policy: the caller's own account may use the workspace. */
function basicPolicy(accountId: string, workspaceArn: string): PropertyObject[] {
  return [
    {
      Effect: "Allow",
      Principal: { AWS: accountId },
      Action: [...PROMETHEUS_COMPATIBLE_ACTIONS],
      Resource: workspaceArn,
    },
  ];
}

/** The edit a pull request would make: a monitoring account may query too. */
function editedPolicy(accountId: string, workspaceArn: string): PropertyObject[] {
  return [
    ...basicPolicy(accountId, workspaceArn),
    {
      Effect: "Allow",
      Principal: { AWS: MONITORING_ACCOUNT },
      Action: ["aps:QueryMetrics"],
      Resource: workspaceArn,
    },
  ];
}

function documentOf(statements: PropertyObject[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

async function main(): Promise<void> {
  // Half a second per transition: the waits are real, and the demo stays quick.
  const emulator = await AmpEmulator.start({
    settle: { policyCreateMs: 500, policyUpdateMs: 500, policyDeleteMs: 500 },
  });
  try {
    const workspace = emulator.createWorkspace("demo");
    console.log(`AMP emulator at ${emulator.endpoint} (${emulator.region}), account ${emulator.accountId}`);
    console.log(`workspace ${workspace.workspaceId} (in place of examples/basic's aws.amp.Workspace)`);
    const original = documentOf(basicPolicy(emulator.accountId, workspace.arn));
    const edited = documentOf(editedPolicy(emulator.accountId, workspace.arn));
    const cli = await findPulumiCli();
    if (cli) {
      console.log(`the real engine: ${cli}`);
      await demoWithCli(cli, emulator, workspace);
    } else {
      console.log(
        "no pulumi CLI (no Go to build one with `make pulumi`, none on PATH, PULUMI unset): the engine " +
          "harness makes the calls `pulumi` would, and prints what it would show",
      );
      await demoWithHarness(emulator, workspace.workspaceId, original, edited);
    }
  } finally {
    await emulator.close();
  }
}

// --- with the engine harness --------------------------------------------------------------------------

async function demoWithHarness(
  emulator: AmpEmulator,
  workspaceId: string,
  original: string,
  edited: string,
): Promise<void> {
  const session = await startSession({ emulator });
  const urn = resourceUrn("basic");
  const printer = engineLinePrinter(session.engine, urn);
  try {
    heading("pulumi up");
    const inputs = await checked(session, urn, { workspaceId, policyDocument: original });
    const created = await timed(
      () => session.plugin.create(createRequest({ urn, properties: inputs })),
      printer,
    );
    let state = propertiesOf(created.value.getProperties());
    console.log(
      `  + awsamp:index:ResourcePolicy basic created (${created.seconds}s): ${state.policyStatus}, revision ${state.revisionId}`,
    );

    heading("pulumi preview (nothing changed)");
    await previewDiff(session, urn, workspaceId, state, inputs, printer);

    heading("edit the program: a monitoring account may query too; pulumi preview --diff");
    const editedInputs = await checked(session, urn, { workspaceId, policyDocument: edited });
    await previewDiff(session, urn, workspaceId, state, editedInputs, printer);

    heading("pulumi up");
    const updated = await timed(
      () =>
        session.plugin.update(
          updateRequest({ urn, id: workspaceId, olds: state, news: editedInputs, oldInputs: inputs }),
        ),
      printer,
    );
    state = propertiesOf(updated.value.getProperties());
    console.log(
      `  ~ awsamp:index:ResourcePolicy basic updated (${updated.seconds}s): revision ${state.revisionId}`,
    );

    heading(`pulumi import awsamp:index:ResourcePolicy basic ${workspaceId} (a second stack)`);
    const imported = await session.plugin.read(readRequest({ urn, id: workspaceId }));
    const importedInputs = propertiesOf(imported.getInputs());
    console.log(
      `  = awsamp:index:ResourcePolicy basic imported: id ${imported.getId()}, inputs ${Object.keys(importedInputs).join(", ")}`,
    );
    const rechecked = await checked(session, urn, importedInputs);
    await previewDiff(
      session,
      urn,
      workspaceId,
      propertiesOf(imported.getProperties()),
      { ...rechecked, policyDocument: edited },
      printer,
    );

    heading("pulumi destroy");
    const deleted = await timed(
      () => session.plugin.delete(deleteRequest({ urn, id: workspaceId, properties: state })),
      printer,
    );
    console.log(
      `  - awsamp:index:ResourcePolicy basic deleted (${deleted.seconds}s); AWS holds: ${emulator.policyOf(workspaceId) ? "a policy" : "no policy"}`,
    );
  } finally {
    await session.stop();
  }
}

/** Check as the engine runs it before anything else; failures end the demo. */
async function checked(session: PluginSession, urn: string, news: PropertyObject): Promise<PropertyObject> {
  const response = await session.plugin.check(checkRequest({ urn, news }));
  const failures = response.getFailuresList().map((f) => `${f.getProperty()}: ${f.getReason()}`);
  if (failures.length) throw new Error(`Check failed:\n${failures.join("\n")}`);
  return propertiesOf(response.getInputs());
}

async function previewDiff(
  session: PluginSession,
  urn: string,
  id: string,
  olds: PropertyObject,
  news: PropertyObject,
  printer: EngineLinePrinter,
): Promise<void> {
  const response = await session.plugin.diff(diffRequest({ urn, id, olds, news }));
  printer.flush();
  if (changesOf(response) === "DIFF_NONE") {
    console.log("  awsamp:index:ResourcePolicy basic: no changes");
    return;
  }
  const kinds = Object.entries(detailedDiffOf(response)).map(([key, kind]) => `${key} (${kind})`);
  const replaces = response.getReplacesList();
  console.log(
    `  ${replaces.length ? "+-" : "~"} awsamp:index:ResourcePolicy basic ${replaces.length ? "replace" : "update"}: ${kinds.join(", ")}`,
  );
  // The engine shows the change of `access` between the state and the checked inputs; so does the demo.
  const before = accessMapOf(olds.access);
  const after = accessMapOf(news.access);
  for (const grant of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    if (before[grant] === after[grant]) continue;
    if (before[grant] !== undefined) console.log(`      - ${grant}: ${before[grant]}`);
    if (after[grant] !== undefined) console.log(`      + ${grant}: ${after[grant]}`);
  }
}

function accessMapOf(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}

interface EngineLinePrinter {
  flush(): void;
}

/** Prints the engine's lines on the resource as they arrive, as the progress display would. */
function engineLinePrinter(engine: FakeEngine, urn: string): EngineLinePrinter {
  let printed = 0;
  let lastStatus = "";
  return {
    flush() {
      const lines = engine.lines;
      for (; printed < lines.length; printed++) {
        const line = lines[printed];
        // The progress display overwrites a status line with the next, so a repeat shows nothing new.
        if (line.urn !== urn || (line.ephemeral && line.message === lastStatus)) continue;
        if (line.ephemeral) lastStatus = line.message;
        console.log(`      ${line.ephemeral ? "status" : line.severity}: ${line.message}`);
      }
    },
  };
}

async function timed<T>(
  call: () => Promise<T>,
  printer: EngineLinePrinter,
): Promise<{ value: T; seconds: string }> {
  const started = Date.now();
  const ticker = setInterval(() => printer.flush(), 100);
  try {
    const value = await call();
    return { value, seconds: ((Date.now() - started) / 1000).toFixed(1) };
  } finally {
    clearInterval(ticker);
    printer.flush();
  }
}

function heading(text: string): void {
  console.log(`\n$ ${text}`);
}

// --- with the pulumi CLI ------------------------------------------------------------------------------

/**
 * The same steps with the real engine, printing the CLI's own output: a local file backend, the plugin from
 * bin/, the provider pointed at the emulator, and examples/demo (examples/basic's policy on a workspace the
 * stack config names, since examples/basic's aws.amp.Workspace needs the AWS provider and an AWS account).
 */
async function demoWithCli(
  cli: string,
  emulator: AmpEmulator,
  workspace: { workspaceId: string; arn: string },
): Promise<void> {
  const program = path.join(REPO_ROOT, "examples", "demo", "index.ts");
  const first = await PulumiProject.create(cli, { name: "awsamp-demo", program });
  const second = await PulumiProject.create(cli, { name: "awsamp-demo", program });
  const step = async (project: PulumiProject, args: string[]) => {
    console.log(`\n$ pulumi ${args.join(" ")}${project === second ? "    # the second stack" : ""}`);
    const result = await project.must(args);
    // The diff display writes diagnostics (warnings) to stderr, ahead of the diff; the access a change grants
    // is in the diff itself, on stdout.
    process.stdout.write(result.stderr + result.stdout);
  };
  try {
    for (const project of [first, second]) {
      await project.config(
        {
          "awsamp:region": emulator.region,
          "awsamp:endpoint": emulator.endpoint,
          workspaceId: workspace.workspaceId,
          workspaceArn: workspace.arn,
          accountId: emulator.accountId,
        },
        {
          "awsamp:accessKey": EMULATOR_CREDENTIALS.accessKeyId,
          "awsamp:secretKey": EMULATOR_CREDENTIALS.secretAccessKey,
        },
      );
    }
    await step(first, ["up", "--yes"]);
    await step(first, ["preview", "--expect-no-changes"]);
    console.log(`\n# the pull request: ${MONITORING_ACCOUNT} may query too`);
    await first.config({ monitoringAccount: MONITORING_ACCOUNT });
    await step(first, ["preview", "--diff"]);
    console.log(
      "\n# the reviewer's CI: the same preview under the organisation's rules (README, \"A policy pack for reviewers\")",
    );
    await step(first, [
      "preview",
      "--policy-pack",
      path.join(REPO_ROOT, "provider", "policy-pack"),
      "--policy-pack-config",
      path.join(REPO_ROOT, "examples", "policy-pack", "config.json"),
    ]);
    await step(first, ["up", "--yes", "--skip-preview"]);
    // The second stack declares the policy as it now is, then adopts it without touching AWS.
    await second.config({ monitoringAccount: MONITORING_ACCOUNT });
    await step(second, ["import", "awsamp:index:ResourcePolicy", "basic", workspace.workspaceId, "--yes"]);
    await step(second, ["preview", "--expect-no-changes"]);
    await step(first, ["destroy", "--yes", "--skip-preview"]);
    console.log(`\nAWS holds: ${emulator.policyOf(workspace.workspaceId) ? "a policy" : "no policy"}`);
  } finally {
    await first.dispose();
    await second.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
