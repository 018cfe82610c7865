/**
 * Benchmark: `pulumi preview` through the real engine of N ResourcePolicy resources, every tenth document
 * changed, against the floor: the same program shape on a Go provider that does nothing in Check and Diff;
 * and, to tell where awsamp's difference goes, awsamp's own program with a do-nothing plugin in Go and in
 * Node.js (grpc-js) in awsamp's place, the plugin's CPU time from /proc, and a CPU profile of one preview.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { PROMETHEUS_COMPATIBLE_ACTIONS } from "@awsamp/core/policy";
import { AmpEmulator, EMULATOR_CREDENTIALS } from "../../tests/emulator/server";
import { collect, findPulumiCli, type PreviewJson, PulumiProject } from "../../tests/harness/pulumiCli";
import { OWNER_ACCOUNT } from "./fixtures";
import { type BenchSection, type Figure, median } from "./report";
import { PLUGIN_MAIN, REPO_ROOT } from "./serverProcess";

/** N: PREVIEW_ENGINE_RESOURCES, 1000 by default. */
const RESOURCES = Number(process.env.PREVIEW_ENGINE_RESOURCES ?? 1000);
const CHANGED_EVERY = 10;
const RUNS = 3;
const TARGET_RATIO = 1.15;
const PEAK_RSS_TARGET_MB = 200;
/** Where the no-op provider is built: .tools/ is git-ignored. */
const NOOP_DIR = path.join(REPO_ROOT, ".tools", "noop-provider");
const NOOP_BINARY = path.join(NOOP_DIR, "pulumi-resource-noop");
const NOOP_SOURCE = path.join(REPO_ROOT, "scripts", "bench", "noop-provider");
const AWSAMP_PLUGIN_DIR = path.join(REPO_ROOT, "bin");
/** How often the CLI's process tree is read from /proc while a preview runs. */
const WATCH_INTERVAL_MS = 50;

/**
 * What is previewed. `awsamp` and `floor` are the figures the target compares; the two `same program`
 * variants preview awsamp's stack (the same program, the same state) with a do-nothing plugin put in
 * awsamp's place, which splits awsamp's difference into the program's share and the plugin's.
 */
type Variant = "awsamp" | "floor" | "goSameProgram" | "nodeSameProgram";
const VARIANTS: readonly Variant[] = ["awsamp", "floor", "goSameProgram", "nodeSameProgram"];
const LABELS: Record<Variant, string> = {
  awsamp: "awsamp",
  floor: "floor (Go no-op provider, its own two-property resource)",
  goSameProgram: "awsamp's program with the Go no-op as its plugin",
  nodeSameProgram: "awsamp's program with a grpc-js no-op as its plugin",
};

// --- the programs and the plugins -----------------------------------------------------------------------

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
  execFileSync("go", ["build", "-o", NOOP_BINARY, "."], {
    cwd: NOOP_SOURCE,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, GOFLAGS: "-mod=readonly" },
  });
}

/**
 * The grpc-js floor, as the script a folder's pulumi-resource-awsamp runs: a ResourceProvider on the same
 * stubs and server options as awsamp's plugin that does what the Go no-op does (Check returns the news,
 * Diff compares the news with the old inputs, a preview's Update returns the news) and nothing else. It
 * loads only grpc-js and the stubs, found from here, since it runs from a scratch folder.
 */
function nodeNoopProviderSource(): string {
  const at = (name: string) => JSON.stringify(require.resolve(name));
  return `"use strict";
const grpc = require(${at("@grpc/grpc-js")});
const { ResourceProviderService } = require(${at("@pulumi/pulumi/proto/provider_grpc_pb")});
const pb = require(${at("@pulumi/pulumi/proto/provider_pb")});
const { PluginInfo } = require(${at("@pulumi/pulumi/proto/plugin_pb")});
const { Empty } = require(${at("google-protobuf/google/protobuf/empty_pb")});
const bytesOf = (struct) => Buffer.from(struct ? struct.serializeBinary() : new Uint8Array());
const answer = (make) => (call, callback) => callback(null, make(call.request));
const server = new grpc.Server({
  "grpc.max_receive_message_length": 400 * 1024 * 1024,
  "grpc.max_send_message_length": 400 * 1024 * 1024,
  "grpc.enable_channelz": 0,
});
server.addService(ResourceProviderService, {
  handshake: answer(() => new pb.ProviderHandshakeResponse().setAcceptSecrets(true)),
  getPluginInfo: answer(() => new PluginInfo().setVersion("0.1.0")),
  checkConfig: answer((request) => new pb.CheckResponse().setInputs(request.getNews())),
  diffConfig: answer(() => new pb.DiffResponse().setChanges(pb.DiffResponse.DiffChanges.DIFF_NONE)),
  configure: answer(() => new pb.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true)),
  check: answer((request) => new pb.CheckResponse().setInputs(request.getNews())),
  diff: answer((request) => {
    // Keys only the old inputs hold (awsamp's Check adds access) are no change of the program's.
    const olds = request.getOldInputs().getFieldsMap();
    const diffs = [];
    request.getNews().getFieldsMap().forEach((value, key) => {
      const old = olds.get(key);
      if (!old || !bytesOf(old).equals(bytesOf(value))) diffs.push(key);
    });
    if (diffs.length === 0) return new pb.DiffResponse().setChanges(pb.DiffResponse.DiffChanges.DIFF_NONE);
    return new pb.DiffResponse().setChanges(pb.DiffResponse.DiffChanges.DIFF_SOME).setDiffsList(diffs);
  }),
  update: answer((request) => new pb.UpdateResponse().setProperties(request.getNews())),
  cancel: answer(() => new Empty()),
});
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) { process.stderr.write("grpc-js no-op: " + error.message + "\\n"); process.exit(1); }
  process.stdout.write(port + "\\n");
});
process.once("SIGTERM", () => process.exit(0));
`;
}

/** The folders Pulumi.yaml can name as awsamp's plugin: each holds a pulumi-resource-awsamp. */
interface PluginDirs {
  go: string;
  node: string;
  /** awsamp's plugin under node --cpu-prof, writing its profile into `profiles`. */
  profiled: string;
  profiles: string;
}

async function writePluginDirs(scratch: string): Promise<PluginDirs> {
  const dirs: PluginDirs = {
    go: path.join(scratch, "go-no-op"),
    node: path.join(scratch, "node-no-op"),
    profiled: path.join(scratch, "profiled"),
    profiles: path.join(scratch, "profiles"),
  };
  await Promise.all(Object.values(dirs).map((dir) => mkdir(dir, { recursive: true })));
  // The engine runs a path-declared plugin whatever version it reports, so the Go no-op serves awsamp's type.
  await symlink(NOOP_BINARY, path.join(dirs.go, "pulumi-resource-awsamp"));
  const nodeScript = path.join(dirs.node, "noop.js");
  await writeFile(nodeScript, nodeNoopProviderSource());
  // Both Node.js plugins start as awsamp's launcher starts: sh, then exec node.
  const launchers: Array<[string, string]> = [
    [dirs.node, `exec node ${JSON.stringify(nodeScript)} "$@"`],
    [
      dirs.profiled,
      `exec node --cpu-prof --cpu-prof-dir=${JSON.stringify(dirs.profiles)} ${JSON.stringify(PLUGIN_MAIN)} "$@"`,
    ],
  ];
  for (const [dir, exec] of launchers) {
    const file = path.join(dir, "pulumi-resource-awsamp");
    await writeFile(file, `#!/bin/sh\n${exec}\n`);
    await chmod(file, 0o755);
  }
  return dirs;
}

// --- the stacks -----------------------------------------------------------------------------------------

interface Stack {
  name: string;
  project: PulumiProject;
}

function projectFile(name: string, provider: string, pluginDir: string): string {
  return [
    `name: ${name}`,
    "runtime: nodejs",
    "plugins:",
    "  providers:",
    `    - name: ${provider}`,
    `      path: ${JSON.stringify(pluginDir)}`,
    "",
  ].join("\n");
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
    await writeFile(path.join(project.dir, "Pulumi.yaml"), projectFile(name, "noop", NOOP_DIR));
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
  return { name, project };
}

// --- one preview, watched -------------------------------------------------------------------------------

/** One process of the CLI's tree, as last read from /proc. */
interface ProcessRecord {
  role: "plugin" | "program" | "other";
  cpuMs: number;
  /** Start time, in ms since boot. */
  startedMs: number;
  peakRssBytes: number;
}

let ticksPerSecond: number | undefined;

function clockTicksPerSecond(): number {
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
  return ticksPerSecond;
}

/**
 * Reads the CLI's process tree from /proc every WATCH_INTERVAL_MS: each process's CPU time (user and system,
 * every thread), start time and peak RSS. Only the CLI's descendants count, so another benchmark's plugins
 * on the same machine are not mistaken for this preview's.
 */
class ProcessTreeWatch {
  private readonly seen = new Map<number, ProcessRecord>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly root: number,
    private readonly isPlugin: (cmdline: string) => boolean,
  ) {
    this.timer = setInterval(() => this.read(), WATCH_INTERVAL_MS);
    this.read();
  }

  stop(): { cli: ProcessRecord | undefined; processes: ProcessRecord[] } {
    clearInterval(this.timer);
    return { cli: this.seen.get(this.root), processes: [...this.seen.values()] };
  }

  private read(): void {
    const queue = [this.root];
    for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
      try {
        this.record(pid);
        for (const task of readdirSync(`/proc/${pid}/task`)) {
          const children = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
          if (children) queue.push(...children.split(" ").map(Number));
        }
      } catch {
        // The process ended between two reads; what was read of it stays.
      }
    }
  }

  private record(pid: number): void {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces; the fields after it start at state (field 3).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = clockTicksPerSecond();
    const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
    const startedMs = (Number(fields[19]) * 1000) / ticks;
    const known = this.seen.get(pid);
    // Read until it is a plugin or the program: a child read between fork and exec still shows its parent's.
    const role =
      known && known.role !== "other"
        ? known.role
        : this.roleOf(readFileSync(`/proc/${pid}/cmdline`, "utf8"));
    const status = role === "plugin" ? readFileSync(`/proc/${pid}/status`, "utf8") : "";
    const rss = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    this.seen.set(pid, {
      role,
      cpuMs,
      startedMs,
      peakRssBytes: Math.max(rss, known?.peakRssBytes ?? 0),
    });
  }

  private roleOf(cmdline: string): ProcessRecord["role"] {
    if (this.isPlugin(cmdline)) return "plugin";
    if (cmdline.includes("@pulumi/pulumi/cmd/run")) return "program";
    return "other";
  }
}

interface PreviewRun {
  wallMs: number;
  /** From the CLI's start to the plugin's: the program registering its resources, the engine loading. */
  beforePluginMs: number;
  pluginCpuMs: number;
  programCpuMs: number;
  peakRssBytes: number;
  /** The diagnostics the preview showed on this stack's resources: the plugin's log lines. */
  logLines: number;
  changeSummary: Record<string, number>;
}

/** `pulumi preview --json` of a stack, timed from spawn to exit, with its process tree watched. */
async function timePreview(stack: Stack, isPlugin: (cmdline: string) => boolean): Promise<PreviewRun> {
  const started = performance.now();
  const child = stack.project.spawn(["preview", "--json"]);
  const watch = child.pid === undefined ? undefined : new ProcessTreeWatch(child.pid, isPlugin);
  const { code, stdout, stderr } = await collect(child);
  const wallMs = performance.now() - started;
  const tree = watch?.stop();
  if (code !== 0) throw new Error(`pulumi preview of ${stack.name} exited ${code}:\n${stdout}\n${stderr}`);
  const preview = JSON.parse(stdout) as PreviewJson;
  const plugins = tree?.processes.filter((record) => record.role === "plugin") ?? [];
  const pluginStart = Math.min(...plugins.map((record) => record.startedMs));
  const sum = (records: readonly ProcessRecord[]) =>
    records.reduce((total, record) => total + record.cpuMs, 0);
  return {
    wallMs,
    beforePluginMs: tree?.cli && plugins.length > 0 ? pluginStart - tree.cli.startedMs : Number.NaN,
    pluginCpuMs: plugins.length > 0 ? sum(plugins) : Number.NaN,
    programCpuMs: sum(tree?.processes.filter((record) => record.role === "program") ?? []),
    peakRssBytes: Math.max(0, ...plugins.map((record) => record.peakRssBytes)),
    logLines: (preview.diagnostics ?? []).filter((line) => line.urn?.includes(`::${stack.name}::`)).length,
    changeSummary: preview.changeSummary ?? {},
  };
}

// --- the plugin's CPU profile ---------------------------------------------------------------------------

/** The parts of a V8 .cpuprofile read here. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

interface CallFrame {
  functionName: string;
  url: string;
}

/**
 * Where the plugin's main thread spends a preview: a sample goes to the first of these that any frame of
 * its stack matches, so what the core's Check or a log line sets off (a module loaded on first use aside) is
 * theirs, while the answer's encoding that the server's callback sets off is gRPC's. The rest is the event
 * loop, promises and native code.
 */
const PROFILE_CATEGORIES: ReadonlyArray<[string, (frame: CallFrame) => boolean]> = [
  ["garbage collection", (frame) => frame.functionName === "(garbage collector)"],
  ["loading modules (start-up and first use)", (frame) => frame.functionName === "Module._load"],
  ["log lines to the engine (Engine.Log calls)", (frame) => frame.url.endsWith("core/bin/engineLog.js")],
  [
    "the core's Check (validation, lint, said-once)",
    (frame) => frame.url.endsWith("core/bin/resource.js") && frame.functionName === "check",
  ],
  [
    "the core's Diff (canonical comparison, access summary)",
    (frame) => frame.url.endsWith("core/bin/resource.js") && frame.functionName === "diff",
  ],
  [
    "Struct ↔ JavaScript, fields and messages (values.ts, protocol.ts)",
    (frame) => /plugin\/bin\/(values|protocol)\.js$/.test(frame.url),
  ],
  [
    "gRPC, HTTP/2 and protobuf (grpc-js, node:http2, google-protobuf)",
    (frame) => /grpc-js|google-protobuf|_pb\.js$|node:(internal\/)?(http2|net|stream)/.test(frame.url),
  ],
  ["the handlers' other work (handlers.ts, server.ts)", (frame) => /plugin\/bin\/\w+\.js$/.test(frame.url)],
];
const IDLE = "(idle)";

/** Busy time (ms) by category, from the profile the plugin wrote. */
async function profileCategories(dir: string): Promise<Map<string, number>> {
  const files = (await readdir(dir)).filter((file) => file.endsWith(".cpuprofile"));
  if (files.length !== 1) throw new Error(`the profiled preview left ${files.length} CPU profiles in ${dir}`);
  const profile = JSON.parse(await readFile(path.join(dir, files[0] ?? ""), "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const categoryOf = new Map<number, string>();
  const category = (id: number): string => {
    const known = categoryOf.get(id);
    if (known !== undefined) return known;
    const stack: CallFrame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at);
      if (node) stack.unshift(node.callFrame);
    }
    const leaf = stack[stack.length - 1];
    const found =
      leaf?.functionName === IDLE
        ? IDLE
        : (PROFILE_CATEGORIES.find(([, test]) => stack.some(test))?.[0] ??
          "the event loop, promises and native code");
    categoryOf.set(id, found);
    return found;
  };
  const totals = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const name = category(id);
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  totals.delete(IDLE);
  return totals;
}

// --- the benchmark --------------------------------------------------------------------------------------

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const perResource = (ms: number) => `${(ms / RESOURCES).toFixed(2)} ms`;
const perVariant = (of: (variant: Variant) => number): Record<Variant, number> => ({
  awsamp: of("awsamp"),
  floor: of("floor"),
  goSameProgram: of("goSameProgram"),
  nodeSameProgram: of("nodeSameProgram"),
});
const signedPerResource = (ms: number) => `${ms >= 0 ? "+" : "−"}${perResource(Math.abs(ms))}`;

export async function benchPreviewEngine(): Promise<BenchSection> {
  const cli = await findPulumiCli();
  if (!cli) throw new Error("the preview-engine benchmark needs the pulumi CLI: run `make pulumi`");
  buildNoopProvider();
  const emulator = await AmpEmulator.start();
  const scratch = await mkdtemp(path.join(tmpdir(), "awsamp-bench-preview-engine-"));
  const stacks: Stack[] = [];
  try {
    const dirs = await writePluginDirs(scratch);
    const workspaces = Array.from({ length: RESOURCES }, () => emulator.createWorkspace().workspaceId);
    const setupStarted = performance.now();
    const awsampStack = await makeStack(cli, "awsamp", workspaces, emulator, scratch);
    stacks.push(awsampStack);
    const floorStack = await makeStack(cli, "noop", workspaces, emulator, scratch);
    stacks.push(floorStack);
    const setupMs = performance.now() - setupStarted;
    const awsampYaml = path.join(awsampStack.project.dir, "Pulumi.yaml");
    const withPlugin = (dir: string) => writeFile(awsampYaml, projectFile(awsampStack.name, "awsamp", dir));
    // bin/pulumi-resource-awsamp runs provider/plugin/bin/main.js by a path through bin/..
    const isAwsampPlugin = (cmdline: string) =>
      cmdline.includes(path.join("provider", "plugin", "bin", "main.js")) ||
      cmdline.includes(path.join(dirs.node, "noop.js"));
    const isGoNoop = (cmdline: string) =>
      cmdline.includes(NOOP_BINARY) || cmdline.includes(path.join(dirs.go, "pulumi-resource-awsamp"));
    const previews: Record<Variant, () => Promise<PreviewRun>> = {
      awsamp: async () => {
        await withPlugin(AWSAMP_PLUGIN_DIR);
        return timePreview(awsampStack, isAwsampPlugin);
      },
      floor: () => timePreview(floorStack, isGoNoop),
      goSameProgram: async () => {
        await withPlugin(dirs.go);
        return timePreview(awsampStack, isGoNoop);
      },
      nodeSameProgram: async () => {
        await withPlugin(dirs.node);
        return timePreview(awsampStack, isAwsampPlugin);
      },
    };
    const runs: Record<Variant, PreviewRun[]> = {
      awsamp: [],
      floor: [],
      goSameProgram: [],
      nodeSameProgram: [],
    };
    for (let run = 0; run < RUNS; run++) {
      for (const variant of VARIANTS) runs[variant].push(await previews[variant]());
    }
    // One more preview of awsamp, under the profiler (which slows it), for the shares only.
    await withPlugin(dirs.profiled);
    const profiledRun = await timePreview(awsampStack, isAwsampPlugin);
    await withPlugin(AWSAMP_PLUGIN_DIR);
    const profile = await profileCategories(dirs.profiles);

    const expected = Math.ceil(RESOURCES / CHANGED_EVERY);
    for (const [variant, list] of Object.entries(runs)) {
      for (const run of [...list, ...(variant === "awsamp" ? [profiledRun] : [])]) {
        if ((run.changeSummary.update ?? 0) !== expected) {
          throw new Error(
            `the preview-engine benchmark: ${variant}'s preview planned ${JSON.stringify(run.changeSummary)}, ` +
              `not ${expected} updates`,
          );
        }
      }
    }
    // A figure /proc did not show in some run (NaN) is left out of its median.
    const mid = (variant: Variant, of: (run: PreviewRun) => number) =>
      median(runs[variant].map(of).filter(Number.isFinite));
    const wall = (variant: Variant) => mid(variant, (run) => run.wallMs);
    const awsamp = wall("awsamp");
    const floor = wall("floor");
    const goSame = wall("goSameProgram");
    const nodeSame = wall("nodeSameProgram");
    const ratio = awsamp / floor;
    const pluginCpu = (variant: Variant) => mid(variant, (run) => run.pluginCpuMs);
    const beforePlugin = (variant: Variant) => mid(variant, (run) => run.beforePluginMs);
    const programCpu = (variant: Variant) => mid(variant, (run) => run.programCpuMs);
    const logLines = mid("awsamp", (run) => run.logLines);
    // What the engine calls of awsamp in one preview: Check and Diff of every resource, Update of the changed.
    const calls = 2 * RESOURCES + expected;
    const peakRss = Math.max(...runs.awsamp.map((run) => run.peakRssBytes));
    const all = (variant: Variant) => runs[variant].map((run) => seconds(run.wallMs)).join(", ");
    const timing = (variant: Variant) =>
      `${seconds(wall(variant))} (${perResource(wall(variant))} per resource; runs ${all(variant)})`;
    const cpuFigure = (variant: Variant) =>
      `${perResource(pluginCpu(variant))} per resource (${seconds(pluginCpu(variant))} in all)`;

    const figures: Figure[] = [
      {
        name: `awsamp: pulumi preview, median of ${RUNS}`,
        value: timing("awsamp"),
        target: "—",
        met: undefined,
      },
      {
        name: `${LABELS.floor}: pulumi preview, median of ${RUNS}`,
        value: timing("floor"),
        target: "—",
        met: undefined,
      },
      {
        name: "awsamp ÷ the bare floor (a different program: its resource declares two properties, not six)",
        value: `${ratio.toFixed(2)}× (awsamp's share beyond it: ${perResource(awsamp - floor)} per resource)`,
        target: "—",
        met: undefined,
      },
      {
        name: `${LABELS.goSameProgram}: pulumi preview, median of ${RUNS}`,
        value: `${timing("goSameProgram")}; ${(goSame / floor).toFixed(2)}× the floor`,
        target: "—",
        met: undefined,
      },
      {
        name: `${LABELS.nodeSameProgram}: pulumi preview, median of ${RUNS}`,
        value: `${timing("nodeSameProgram")}; ${(nodeSame / goSame).toFixed(2)}× the Go no-op on the same program`,
        target: "—",
        met: undefined,
      },
      {
        // The floor: the same program, each resource served by a no-op Go provider.
        name: "awsamp ÷ the floor: the same program with the Go no-op as its plugin",
        value: `${(awsamp / goSame).toFixed(2)}× (awsamp's share beyond it: ${perResource(awsamp - goSame)} per resource)`,
        target: `≤ ${TARGET_RATIO}×`,
        met: awsamp / goSame <= TARGET_RATIO,
      },
      {
        name: "plugin CPU time (all threads, /proc), median",
        value:
          `awsamp ${cpuFigure("awsamp")}, ${(pluginCpu("awsamp") / calls).toFixed(2)} ms per call of ${calls}; ` +
          `grpc-js no-op ${cpuFigure("nodeSameProgram")}; Go no-op ${cpuFigure("goSameProgram")}`,
        target: "—",
        met: undefined,
      },
      {
        name: "from the CLI's start to the plugin's (the program registering its resources), median",
        value:
          `awsamp's program ${seconds(beforePlugin("awsamp"))} (with the Go no-op ` +
          `${seconds(beforePlugin("goSameProgram"))}); the floor's program ${seconds(beforePlugin("floor"))}`,
        target: "—",
        met: undefined,
      },
      {
        name: "log lines awsamp sent to the engine per preview",
        value: `${logLines} (each call answers once its lines have reached the engine)`,
        target: "—",
        met: undefined,
      },
      {
        name: "awsamp plugin's peak RSS (VmHWM) during the previews",
        value: peakRss > 0 ? `${(peakRss / 2 ** 20).toFixed(0)} MB` : "not seen",
        target: `< ${PEAK_RSS_TARGET_MB} MB`,
        met: peakRss > 0 ? peakRss / 2 ** 20 < PEAK_RSS_TARGET_MB : false,
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
        `adds a third statement to every tenth document (${expected} of ${RESOURCES}). Each ` +
        `\`pulumi preview --json\` (the real CLI, a file backend, a throwaway PULUMI_HOME, automatic plugin ` +
        `acquisition off) is timed end to end, from spawn to exit: ${RUNS} rounds of four previews, ` +
        "interleaved: awsamp; the floor; and awsamp's stack (its program, its state) with its Pulumi.yaml " +
        "pointing awsamp at a do-nothing plugin, the Go no-op and then a grpc-js one (the same stubs and " +
        "server options as awsamp's plugin, doing what the Go no-op does; started as sh, then exec node). " +
        "Medians; per resource is the median divided by the resources. Every preview's process tree (the " +
        `CLI's descendants only) is read from /proc every ${WATCH_INTERVAL_MS} ms: the plugin's CPU time (every ` +
        "thread: the main one, V8's compiler and collector threads, libuv's), its start time and its peak " +
        "RSS, and the program's CPU time. One more preview of awsamp runs its plugin under `node --cpu-prof` " +
        "for where its main thread's time goes (the profiler slows it; only the shares are used). The " +
        "target compares awsamp with the floor the issue names, the same program where each resource is " +
        "served by a no-op Go provider: awsamp's own program and state with the Go no-op in its plugin's " +
        "place. The bare floor's program registers a resource of its own with two properties where the " +
        "SDK's ResourcePolicy declares six; it is kept as a second comparison.",
      figures,
      details: explanation({
        wall: perVariant((variant) => wall(variant)),
        afterPlugin: perVariant((variant) => mid(variant, (run) => run.wallMs - run.beforePluginMs)),
        beforePlugin: perVariant(beforePlugin),
        pluginCpu: perVariant(pluginCpu),
        programCpu: perVariant(programCpu),
        calls,
        logLines,
        profile,
        profiledWallMs: profiledRun.wallMs,
      }),
    };
  } finally {
    await Promise.all(stacks.map((stack) => stack.project.dispose()));
    await rm(scratch, { recursive: true, force: true });
    await emulator.close();
  }
}

interface Findings {
  /** Median wall times, ms. */
  wall: Record<Variant, number>;
  /** Median time from the plugin's start to the CLI's exit, ms: the provider's part of a preview. */
  afterPlugin: Record<Variant, number>;
  /** Median time from the CLI's start to the plugin's, ms: the program registering its resources. */
  beforePlugin: Record<Variant, number>;
  pluginCpu: Record<Variant, number>;
  programCpu: Record<Variant, number>;
  calls: number;
  logLines: number;
  profile: Map<string, number>;
  profiledWallMs: number;
}

/** Where awsamp's difference from the floor goes, and, where the target is missed, why and what would meet it. */
function explanation(found: Findings): string[] {
  const { wall, afterPlugin, beforePlugin, pluginCpu, programCpu, calls } = found;
  const difference = wall.awsamp - wall.floor;
  const share = (ms: number) => (difference > 0 ? ` (${((ms / difference) * 100).toFixed(0)} %)` : "");
  const cell = (ms: number) => `${seconds(ms)}${share(ms)}, ${signedPerResource(ms)}`;
  // The program's share: the same Go no-op behind both programs. The plugins' shares: the provider's part
  // of the preview only, which leaves out how much the program's part varies from run to run.
  const program = wall.goSameProgram - wall.floor;
  const runtime = afterPlugin.nodeSameProgram - afterPlugin.goSameProgram;
  const own = afterPlugin.awsamp - afterPlugin.nodeSameProgram;
  const rest = difference - program - runtime - own;
  const busy = [...found.profile.values()].reduce((total, ms) => total + ms, 0);
  const rows = [...found.profile]
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `| ${name} | ${((ms / busy) * 100).toFixed(0)} % | ${(ms / calls).toFixed(3)} ms |`);
  const perCall = (ms: number) => `${(ms / calls).toFixed(2)} ms`;
  const lines = [
    `Every preview planned ${Math.ceil(RESOURCES / CHANGED_EVERY)} updates and left the rest unchanged. ` +
      "The engine calls Check and then Diff of one resource at a time (its step generator is serial unless " +
      `PULUMI_PARALLEL_DIFF is set), so what each of the plugin's ${calls} calls costs adds to the preview.`,
    "",
    `Where awsamp's ${seconds(difference)} beyond the floor go (medians of this run; per resource):`,
    "",
    "| part | how it is measured | time |",
    "| --- | --- | --- |",
    `| the program: awsamp's SDK resource declares six properties (two of them outputs only), the floor's two | awsamp's program with the Go no-op, minus the floor | ${cell(program)} |`,
    `| the plugin's runtime: Node.js and grpc-js in place of Go | from the plugin's start to the end: the grpc-js no-op, minus the Go no-op, on awsamp's program | ${cell(runtime)} |`,
    `| awsamp's own work in its plugin | from the plugin's start to the end: awsamp, minus the grpc-js no-op | ${cell(own)} |`,
    `| the rest: the program's part of awsamp's previews against the same program's with the Go no-op | what the rows above leave | ${cell(rest)} |`,
    "",
    "The program's share comes before any plugin runs: from the CLI's start to the plugin's, " +
      `${seconds(beforePlugin.goSameProgram)} for awsamp's program and ${seconds(beforePlugin.floor)} for the ` +
      `floor's, whose Node.js process used ${seconds(programCpu.floor)} of CPU against ` +
      `${seconds(programCpu.goSameProgram)}. In the plugin (CPU time of every thread, its start included), ` +
      `awsamp used ${perResource(pluginCpu.awsamp)} per resource (${perCall(pluginCpu.awsamp)} per call), ` +
      `the grpc-js no-op ${perResource(pluginCpu.nodeSameProgram)} and the Go no-op ` +
      `${perResource(pluginCpu.goSameProgram)}. awsamp sent ${found.logLines} log lines (a lint warning ` +
      "where a document adds a partner account, and the access each changed document grants), each one " +
      "round trip to the engine before the call that said it answers.",
    "",
    `awsamp's plugin's main thread, profiled through one more preview (${seconds(found.profiledWallMs)} ` +
      `under the profiler; ${busy.toFixed(0)} ms busy; per call of ${calls}: Check and Diff of each ` +
      "resource, Update of each changed one):",
    "",
    "| where | share of the busy time | per call, under the profiler |",
    "| --- | --- | --- |",
    ...rows,
  ];
  if (wall.awsamp <= TARGET_RATIO * wall.goSameProgram) return lines;
  const allowed = TARGET_RATIO * wall.floor;
  const sameFloorRatio = wall.awsamp / wall.goSameProgram;
  const programAlone =
    wall.goSameProgram > allowed
      ? `awsamp's own program with a plugin that does nothing, in Go, already takes ` +
        `${seconds(wall.goSameProgram)} (${(wall.goSameProgram / wall.floor).toFixed(2)}× the floor): the ` +
        "SDK's resource, as Pulumi's codegen makes it from schema.json, costs the Node.js program more than " +
        "the floor's bare two-property resource, so no plugin meets the target against this floor."
      : `awsamp's own program with a plugin that does nothing, in Go, takes ${seconds(wall.goSameProgram)} ` +
        `(${(wall.goSameProgram / wall.floor).toFixed(2)}× the floor), which leaves the plugin ` +
        `${seconds(allowed - wall.goSameProgram)}.`;
  // Against the same program with the Go no-op, what the target leaves a plugin beyond Go's, and what the
  // grpc-js no-op and awsamp spend of it (the provider's part of the preview, per call).
  const sameAllowed = (TARGET_RATIO - 1) * wall.goSameProgram;
  const fits =
    sameFloorRatio <= TARGET_RATIO
      ? `That is within ${TARGET_RATIO}×: against the same program, the plugin meets the target.`
      : runtime <= sameAllowed
        ? `A grpc-js plugin fits in that: the no-op spends ${perCall(runtime)} per call beyond Go's, which ` +
          `would leave awsamp's own work ${perCall(sameAllowed - runtime)} per call, against ${perCall(own)} ` +
          "now: less CPU per call in the plugin (see the profile above) is what would meet it."
        : `Not even a grpc-js plugin that does nothing fits in that (${perCall(runtime)} per call beyond ` +
          "Go's), so it would take a plugin whose calls cost about what a Go server's do: a Go plugin, or a " +
          "Node.js one off grpc-js and google-protobuf.";
  return [
    ...lines,
    "",
    `Why the target is not met: ${TARGET_RATIO}× the floor is ${seconds(allowed)}, and awsamp took ` +
      `${seconds(wall.awsamp)}. ${programAlone} Against its own program with the Go no-op, awsamp is ` +
      `${sameFloorRatio.toFixed(2)}×; ${TARGET_RATIO}× of that leaves a plugin ${seconds(sameAllowed)} beyond ` +
      `Go's, ${perCall(sameAllowed)} per call. ${fits}` +
      (wall.goSameProgram > allowed
        ? " Against this floor no plugin can meet the target: that would take a floor of the same program " +
          "(a no-op provider behind a resource that declares awsamp's properties, as a codegen SDK would)."
        : ""),
  ];
}
