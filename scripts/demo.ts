/**
 * `make demo`: examples/basic's policy through its whole life (up, a no-change preview, an edited policy's
 * preview with its access summary, import into a second stack, destroy) against the embedded AMP emulator:
 * with the `pulumi` CLI where it is on PATH, otherwise with the engine harness making the same calls.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { PropertyObject } from "../provider/plugin/values";
import { PROMETHEUS_COMPATIBLE_ACTIONS } from "../provider/policy";
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
import { environmentWithoutAws } from "../tests/harness/plugin";
import { policyProgram, pulumiOnPath } from "../tests/harness/pulumiCli";
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
    const pulumi = await pulumiOnPath();
    if (pulumi) {
      await demoWithCli(pulumi, emulator, workspace.workspaceId, original, edited);
    } else {
      console.log(
        "no pulumi CLI on PATH: the engine harness makes the calls `pulumi` would, and prints what it would show",
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
 * The same steps with the real engine: a local file backend, the plugin from bin/, the provider pointed at
 * the emulator. The program is examples/basic's policy as a YAML program over the emulator's workspace,
 * because examples/basic's aws.amp.Workspace needs the AWS provider and a real AWS account.
 */
async function demoWithCli(
  pulumi: string,
  emulator: AmpEmulator,
  workspaceId: string,
  original: string,
  edited: string,
): Promise<void> {
  const workdir = await mkdtemp(path.join(tmpdir(), "awsamp-demo-"));
  const run = promisify(execFile);
  const env = {
    ...environmentWithoutAws(),
    PULUMI_BACKEND_URL: `file://${path.join(workdir, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: "awsamp-demo",
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  const projects = { first: path.join(workdir, "basic"), second: path.join(workdir, "adopted") };
  const cli = async (cwd: string, ...args: string[]) => {
    console.log(`\n$ pulumi ${args.join(" ")}`);
    const { stdout } = await run(pulumi, [...args, "--non-interactive"], { cwd, env, maxBuffer: 16 << 20 });
    process.stdout.write(stdout);
  };
  try {
    await mkdir(path.join(workdir, "state"), { recursive: true });
    for (const [stack, dir] of Object.entries(projects)) {
      await mkdir(dir, { recursive: true });
      await writeFile(
        path.join(dir, "Pulumi.yaml"),
        policyProgram(`awsamp-demo-${stack}`, "basic", workspaceId, original),
      );
      await cli(dir, "stack", "init", "dev");
      await cli(dir, "config", "set", "awsamp:region", emulator.region);
      await cli(dir, "config", "set", "awsamp:endpoint", emulator.endpoint);
      await cli(dir, "config", "set", "--secret", "awsamp:accessKey", EMULATOR_CREDENTIALS.accessKeyId);
      await cli(dir, "config", "set", "--secret", "awsamp:secretKey", EMULATOR_CREDENTIALS.secretAccessKey);
    }
    await cli(projects.first, "up", "--yes");
    await cli(projects.first, "preview", "--expect-no-changes");
    await writeFile(
      path.join(projects.first, "Pulumi.yaml"),
      policyProgram("awsamp-demo-first", "basic", workspaceId, edited),
    );
    await cli(projects.first, "preview", "--diff");
    await cli(projects.first, "up", "--yes");
    // The second stack's program declares the policy as it now is, then adopts it without touching AWS.
    await writeFile(
      path.join(projects.second, "Pulumi.yaml"),
      policyProgram("awsamp-demo-second", "basic", workspaceId, edited),
    );
    await cli(projects.second, "import", "awsamp:index:ResourcePolicy", "basic", workspaceId, "--yes");
    await cli(projects.second, "preview", "--expect-no-changes");
    await cli(projects.first, "destroy", "--yes");
  } finally {
    await rm(workdir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
