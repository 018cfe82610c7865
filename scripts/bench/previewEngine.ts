/**
 * Benchmark: `pulumi preview` through the real engine of N ResourcePolicy resources, every tenth document
 * changed, against the floor: the same program shape on a Go provider that does nothing in Check and Diff.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { PROMETHEUS_COMPATIBLE_ACTIONS } from "@awsamp/core/policy";
import { AmpEmulator, EMULATOR_CREDENTIALS } from "../../tests/emulator/server";
import { findPulumiCli, PulumiProject } from "../../tests/harness/pulumiCli";
import { OWNER_ACCOUNT } from "./fixtures";
import { type BenchSection, type Figure, median } from "./report";
import { REPO_ROOT } from "./serverProcess";

/** N: PREVIEW_ENGINE_RESOURCES, 1000 by default. */
const RESOURCES = Number(process.env.PREVIEW_ENGINE_RESOURCES ?? 1000);
const CHANGED_EVERY = 10;
const RUNS = 3;
const TARGET_RATIO = 1.15;
/** Where the no-op provider is built: .tools/ is git-ignored. */
const NOOP_DIR = path.join(REPO_ROOT, ".tools", "noop-provider");
const NOOP_SOURCE = path.join(REPO_ROOT, "scripts", "bench", "noop-provider");

/**
 * The program: RESOURCES resources, each on its own workspace (config `workspaces`, a JSON list), with the
 * documents of scripts/bench/fixtures.ts's realisticPolicy; `changed: true` adds the partner statement to
 * every tenth. `awsamp` registers awsamp:index:ResourcePolicy, `noop` the Go floor's noop:index:Resource.
 */
function programSource(kind: "awsamp" | "noop"): string {
  const register =
    kind === "awsamp"
      ? "new awsamp.ResourcePolicy(name, { workspaceId, policyDocument });"
      : "new NoopResource(name, { workspaceId, policyDocument });";
  return [
    kind === "awsamp" ? 'import * as awsamp from "@awsamp/awsamp";' : "",
    'import * as pulumi from "@pulumi/pulumi";',
    "const config = new pulumi.Config();",
    // pulumi.CustomResource is abstract in the SDK's types: the floor's resource is a bare subclass.
    kind === "noop"
      ? "class NoopResource extends pulumi.CustomResource { constructor(name: string, props: pulumi.Inputs) " +
        '{ super("noop:index:Resource", name, props); } }'
      : "",
    'const workspaces = config.requireObject<string[]>("workspaces");',
    'const changed = config.getBoolean("changed") ?? false;',
    `const actions: string[] = ${JSON.stringify(PROMETHEUS_COMPATIBLE_ACTIONS)};`,
    `const owner = ${JSON.stringify(OWNER_ACCOUNT)};`,
    "function documentOf(arn: string, withPartner: boolean): string {",
    "  const statements: Record<string, unknown>[] = [",
    '    { Sid: "ObservabilityTeam", Effect: "Allow", Principal: { AWS: "arn:aws:iam::" + owner + ":role/observability" }, Action: actions, Resource: arn },',
    '    { Sid: "ManagedGrafanaRead", Effect: "Allow", Principal: { Service: "grafana.amazonaws.com" }, Action: actions.slice(1), Resource: arn, Condition: { StringEquals: { "aws:SourceAccount": owner } } },',
    "  ];",
    '  if (withPartner) statements.push({ Sid: "PartnerRemoteWrite", Effect: "Allow", Principal: { AWS: "arn:aws:iam::210987654321:root" }, Action: "aps:RemoteWrite", Resource: arn });',
    '  return JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2);',
    "}",
    "workspaces.forEach((workspaceId, index) => {",
    '  const name = "policy-" + index;',
    `  const arn = \`arn:aws:aps:us-east-1:\${owner}:workspace/\${workspaceId}\`;`,
    `  const policyDocument = documentOf(arn, changed && index % ${CHANGED_EVERY} === 0);`,
    `  ${register}`,
    "});",
    "",
  ].join("\n");
}

/** Builds pulumi-resource-noop from its own go.mod into .tools/noop-provider. */
function buildNoopProvider(): void {
  execFileSync("go", ["build", "-o", path.join(NOOP_DIR, "pulumi-resource-noop"), "."], {
    cwd: NOOP_SOURCE,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, GOFLAGS: "-mod=readonly" },
  });
}

/** The peak VmHWM of the awsamp plugin's node process, polled from /proc while `work` runs. */
async function withPluginPeakRss<T>(work: Promise<T>): Promise<{ result: T; peakBytes: number }> {
  let peak = 0;
  let running = true;
  const poll = async () => {
    while (running) {
      for (const pid of await readdir("/proc").catch(() => [] as string[])) {
        if (!/^\d+$/.test(pid)) continue;
        try {
          const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8");
          if (!cmdline.includes("packages/plugin/bin/main.js")) continue;
          const status = await readFile(`/proc/${pid}/status`, "utf8");
          const kib = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
          peak = Math.max(peak, kib * 1024);
        } catch {
          // Gone already.
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const polling = poll();
  try {
    const result = await work;
    return { result, peakBytes: peak };
  } finally {
    running = false;
    await polling;
  }
}

interface Stack {
  kind: "awsamp" | "noop";
  project: PulumiProject;
}

async function makeStack(
  cli: string,
  kind: "awsamp" | "noop",
  workspaces: readonly string[],
  emulator: AmpEmulator,
  scratch: string,
): Promise<Stack> {
  const programFile = path.join(scratch, `${kind}.ts`);
  await writeFile(programFile, programSource(kind));
  const name = `bench-preview-${kind}`;
  const project = await PulumiProject.create(cli, {
    name,
    program: programFile,
    pluginPath: kind === "awsamp",
  });
  if (kind === "noop") {
    await writeFile(
      path.join(project.dir, "Pulumi.yaml"),
      [
        `name: ${name}`,
        "runtime: nodejs",
        "plugins:",
        "  providers:",
        "    - name: noop",
        `      path: ${JSON.stringify(NOOP_DIR)}`,
        "",
      ].join("\n"),
    );
  }
  await project.config({ workspaces: JSON.stringify(workspaces), changed: "false" });
  if (kind === "awsamp") {
    await project.config(
      { "awsamp:region": emulator.region, "awsamp:endpoint": emulator.endpoint },
      {
        "awsamp:accessKey": EMULATOR_CREDENTIALS.accessKeyId,
        "awsamp:secretKey": EMULATOR_CREDENTIALS.secretAccessKey,
      },
    );
  }
  await project.must(["up", "--yes", "--skip-preview"]);
  await project.config({ changed: "true" });
  return { kind, project };
}

interface PreviewRun {
  wallMs: number;
  peakRssBytes: number;
  changeSummary: Record<string, number>;
}

async function timePreview(stack: Stack): Promise<PreviewRun> {
  const started = performance.now();
  const work = stack.project.preview();
  const { result, peakBytes } =
    stack.kind === "awsamp" ? await withPluginPeakRss(work) : { result: await work, peakBytes: 0 };
  const wallMs = performance.now() - started;
  return { wallMs, peakRssBytes: peakBytes, changeSummary: result.changeSummary ?? {} };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const perResource = (ms: number) => `${(ms / RESOURCES).toFixed(2)} ms`;

export async function benchPreviewEngine(): Promise<BenchSection> {
  const cli = await findPulumiCli();
  if (!cli) throw new Error("the preview-engine benchmark needs the pulumi CLI: run `make pulumi`");
  buildNoopProvider();
  const emulator = await AmpEmulator.start();
  const scratch = await mkdtemp(path.join(tmpdir(), "awsamp-bench-preview-engine-"));
  const stacks: Stack[] = [];
  try {
    const workspaces = Array.from({ length: RESOURCES }, () => emulator.createWorkspace().workspaceId);
    const setupStarted = performance.now();
    stacks.push(await makeStack(cli, "awsamp", workspaces, emulator, scratch));
    stacks.push(await makeStack(cli, "noop", workspaces, emulator, scratch));
    const setupMs = performance.now() - setupStarted;
    const runs: Record<Stack["kind"], PreviewRun[]> = { awsamp: [], noop: [] };
    for (let run = 0; run < RUNS; run++) {
      for (const stack of stacks) runs[stack.kind].push(await timePreview(stack));
    }
    const expected = RESOURCES / CHANGED_EVERY;
    for (const [kind, list] of Object.entries(runs)) {
      for (const run of list) {
        if ((run.changeSummary.update ?? 0) !== Math.ceil(expected)) {
          throw new Error(
            `the preview-engine benchmark: ${kind}'s preview planned ${JSON.stringify(run.changeSummary)}, ` +
              `not ${Math.ceil(expected)} updates`,
          );
        }
      }
    }
    const awsamp = median(runs.awsamp.map((run) => run.wallMs));
    const floor = median(runs.noop.map((run) => run.wallMs));
    const ratio = awsamp / floor;
    const peakRss = Math.max(...runs.awsamp.map((run) => run.peakRssBytes));
    const all = (list: PreviewRun[]) => list.map((run) => seconds(run.wallMs)).join(", ");
    const figures: Figure[] = [
      {
        name: `awsamp: pulumi preview, median of ${RUNS}`,
        value: `${seconds(awsamp)} (${perResource(awsamp)} per resource; runs ${all(runs.awsamp)})`,
        target: "—",
        met: undefined,
      },
      {
        name: `floor (Go no-op provider): pulumi preview, median of ${RUNS}`,
        value: `${seconds(floor)} (${perResource(floor)} per resource; runs ${all(runs.noop)})`,
        target: "—",
        met: undefined,
      },
      {
        name: "awsamp ÷ floor",
        value: `${ratio.toFixed(2)}× (awsamp's share beyond the floor: ${perResource(awsamp - floor)} per resource)`,
        target: `≤ ${TARGET_RATIO}×`,
        met: ratio <= TARGET_RATIO,
      },
      {
        name: "awsamp plugin's peak RSS (VmHWM) during the previews",
        value: peakRss > 0 ? `${(peakRss / 2 ** 20).toFixed(0)} MB` : "not seen",
        target: "—",
        met: undefined,
      },
    ];
    return {
      title: `Preview through the engine: pulumi preview of ${RESOURCES.toLocaleString("en-US")} resources`,
      method:
        `Two stacks of the same TypeScript program shape, each with ${RESOURCES} resources on the emulator's ` +
        "workspaces (the document of scripts/bench/fixtures.ts's realisticPolicy): one of " +
        "awsamp:index:ResourcePolicy (the plugin through bin/pulumi-resource-awsamp), one of " +
        "noop:index:Resource, a Go provider on github.com/pulumi/pulumi/sdk/v3 (scripts/bench/noop-provider, " +
        "built into .tools/noop-provider) whose Check returns the news and whose Diff only compares news with " +
        "olds. Both are declared in Pulumi.yaml (plugins.providers) and deployed with `pulumi up --yes " +
        `--skip-preview\` (setup, ${seconds(setupMs)} for both, not timed); then stack config \`changed=true\` ` +
        `adds a third statement to every tenth document (${Math.ceil(expected)} of ${RESOURCES}). Each ` +
        `\`pulumi preview --json\` (the real CLI, a file backend, a throwaway PULUMI_HOME, automatic plugin ` +
        `acquisition off) is timed end to end, from spawn to exit: ${RUNS} of each, alternating awsamp and ` +
        "the floor; medians. Per resource is the median divided by the resources. The plugin's peak RSS is " +
        "polled every 100 ms from /proc (the node process running packages/plugin/bin/main.js).",
      figures,
      details: [
        `Every preview planned ${Math.ceil(expected)} updates and left the rest unchanged, for both providers. ` +
          "The floor's time is the engine's, the language host's and the Node.js program's; what awsamp adds " +
          "beyond it is the plugin's start (Node.js, its modules), its Check and Diff of each resource, and " +
          "its diagnostics.",
      ],
    };
  } finally {
    await Promise.all(stacks.map((stack) => stack.project.dispose()));
    await rm(scratch, { recursive: true, force: true });
    await emulator.close();
  }
}
