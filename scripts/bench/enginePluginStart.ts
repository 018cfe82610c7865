/** Plugin start as the real engine sees it: `pulumi preview` of one resource, timed from the CLI's log. */
import { execFileSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { findPulumiCli, PulumiProject } from "../../tests/harness/pulumiCli";
import { type EnginePluginStart, enginePluginStart } from "./engineLogTimes";
import { realisticPolicy, workspaceArnOf } from "./fixtures";
import { type Figure, median } from "./report";
import { PLUGIN_LAUNCHER, REPO_ROOT } from "./serverProcess";

/** Previews of each plugin; each takes about 2 s, most of it the CLI, the language host and the program. */
const RUNS = 7;
const TARGET_RATIO = 1.5;
const NOOP_SOURCE = path.join(REPO_ROOT, "scripts", "bench", "noop-provider");
const BARE_SERVER_MAIN = path.join(__dirname, "bareGrpcServer.js");
/** `-v=9` for the launch line, `--logtostderr` to read it; no `--logflow`: plugins start as a user's do. */
const PREVIEW_ARGS = ["preview", "-v=9", "--logtostderr"];

/** A provider the engine launches, found through the project's plugins.providers path. */
interface EnginePlugin {
  key: "awsamp" | "bare" | "noop";
  /** What the figures call it. */
  label: string;
  /** The package, which names the executable (pulumi-resource-PKG) and the resource type's first part. */
  pkg: string;
  type: string;
  /** The folder holding pulumi-resource-PKG. */
  dir: string;
}

/** What the engine-seen runs found, for pluginStart.ts to add to its section. */
export interface EngineStartFindings {
  method: string;
  figures: Figure[];
  details: string[];
  /** The medians from the engine's launch to the first answer; absent when the CLI was not there to run. */
  launchToAnswerMs?: { awsamp: number; bare: number };
}

/**
 * One resource of the type BENCH_RESOURCE_TYPE names, so one program and one stack serve every plugin and the
 * engine's work before the launch is the same for each. JavaScript, not TypeScript: the compile would only
 * add the same seconds to every preview, and fewer seconds a preview buy more runs.
 */
function programSource(): string {
  const workspaceId = "ws-5a1e7b3c-0d2f-4e6a-9b8c-1f2e3d4c5b6a";
  return [
    'const pulumi = require("@pulumi/pulumi");',
    "class Resource extends pulumi.CustomResource {",
    "  constructor(name, props) { super(process.env.BENCH_RESOURCE_TYPE, name, props); }",
    "}",
    `new Resource("policy", { workspaceId: ${JSON.stringify(workspaceId)}, policyDocument: ${JSON.stringify(
      realisticPolicy(workspaceArnOf(workspaceId)),
    )} });`,
    "",
  ].join("\n");
}

/** The floor as a plugin: an executable pulumi-resource-bare, sh then exec node like awsamp's launcher. */
async function writeBareLauncher(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, "pulumi-resource-bare");
  await writeFile(file, `#!/bin/sh\nexec node ${JSON.stringify(BARE_SERVER_MAIN)} "$@"\n`);
  await chmod(file, 0o755);
}

/**
 * Builds the Go no-op provider of the preview-engine benchmark into `dir` (Go's build cache makes a rebuild
 * about a second); undefined when built, else why not. Its own copy, so a concurrent preview-engine build
 * of .tools/noop-provider cannot swap the binary under a run.
 */
function buildNoopProvider(dir: string): string | undefined {
  try {
    execFileSync("go", ["build", "-o", path.join(dir, "pulumi-resource-noop"), "."], {
      cwd: NOOP_SOURCE,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, GOFLAGS: "-mod=readonly" },
    });
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "no `go` on PATH to build it";
    throw error;
  }
}

async function makeProject(
  cli: string,
  scratch: string,
  plugins: readonly EnginePlugin[],
): Promise<PulumiProject> {
  const name = "bench-engine-start";
  const placeholder = path.join(scratch, "placeholder.ts");
  await writeFile(placeholder, "");
  const project = await PulumiProject.create(cli, {
    name,
    program: placeholder,
    pluginPath: false,
    packages: ["@pulumi/pulumi"],
  });
  await rm(path.join(project.dir, "index.ts"));
  await writeFile(path.join(project.dir, "index.js"), programSource());
  await writeFile(
    path.join(project.dir, "package.json"),
    JSON.stringify({ name, private: true, main: "index.js" }, null, 2),
  );
  await writeFile(
    path.join(project.dir, "Pulumi.yaml"),
    [
      `name: ${name}`,
      "runtime:",
      "  name: nodejs",
      "  options:",
      "    typescript: false",
      "plugins:",
      "  providers:",
      ...plugins.flatMap((plugin) => [
        `    - name: ${plugin.pkg}`,
        `      path: ${JSON.stringify(plugin.dir)}`,
      ]),
      "",
    ].join("\n"),
  );
  // awsamp's CheckConfig wants a region; a preview of a new resource calls no AWS API.
  await project.config({ "awsamp:region": "us-east-1" });
  return project;
}

async function previewOnce(project: PulumiProject, plugin: EnginePlugin): Promise<EnginePluginStart> {
  const result = await project.run(PREVIEW_ARGS, { env: { BENCH_RESOURCE_TYPE: plugin.type } });
  if (result.code !== 0) {
    throw new Error(
      `pulumi preview of one ${plugin.type} exited ${result.code ?? result.signal}:\n${result.stdout}\n` +
        result.stderr.slice(-4000),
    );
  }
  return enginePluginStart(result.stderr, plugin.pkg);
}

const ms = (value: number) => `${value.toFixed(0)} ms`;
const range = (values: readonly number[]) =>
  `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)} ms`;

/** Of each run of one plugin: the preview's start to the first answer, and the launch to the first answer. */
function spansOf(runs: readonly EnginePluginStart[]): { fromPreview: number[]; fromLaunch: number[] } {
  return {
    fromPreview: runs.map((run) => run.answerMs - run.previewStartMs),
    fromLaunch: runs.map((run) => run.answerMs - run.launchMs),
  };
}

export async function measureEnginePluginStart(): Promise<EngineStartFindings> {
  const method =
    "As the engine sees it: the pinned CLI (.tools/bin/pulumi, a file backend, a passphrase, a throwaway " +
    "PULUMI_HOME, PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true) runs `pulumi preview -v=9 --logtostderr` " +
    "(no --logflow, so plugins get only the engine's address, as in a user's preview) of a stack with no " +
    "state whose JavaScript program registers one resource, its type from an environment variable, so one " +
    "program and one stack serve every plugin. Pulumi.yaml's plugins.providers names each plugin's folder: " +
    "awsamp is bin/pulumi-resource-awsamp; the floor is pulumi-resource-bare, `#!/bin/sh` then `exec node " +
    "build/scripts/bench/bareGrpcServer.js` (the bare server, which also answers Handshake, CheckConfig, " +
    "Configure, Check and Create with no work so the preview runs to its end); the second floor is the Go " +
    "no-op provider of the preview-engine benchmark (scripts/bench/noop-provider). From the CLI's JSON log " +
    "lines on stderr (nanosecond `time`): the preview's start is the CLI's first line; the launch is " +
    "`newPlugin(): Launching plugin 'PKG (resource)' from 'BIN' with args: …`, logged just before the exec; " +
    "the first answered call is the engine's Handshake, `Handshake: success [BIN]` (awsamp, bare) or " +
    "`Handshake: not supported by 'BIN'` (the Go provider, which leaves Handshake unimplemented), logged " +
    "once the plugin printed its port, the engine's connection became ready and the call came back. " +
    `One unmeasured preview of each, then ${RUNS} of each, interleaved (each round starting one plugin ` +
    "later); medians, and each ratio is the median of awsamp's spans over the median of the floor's.";
  const cli = await findPulumiCli();
  if (!cli) {
    return {
      method,
      figures: [
        {
          name: "engine-seen start: awsamp ÷ bare grpc-js plugin",
          value: "not measured: no pulumi CLI (run `make pulumi`)",
          target: `≤ ${TARGET_RATIO}×`,
          met: undefined,
        },
      ],
      details: [],
    };
  }
  const scratch = await mkdtemp(path.join(tmpdir(), "awsamp-bench-engine-start-"));
  let project: PulumiProject | undefined;
  try {
    const plugins: EnginePlugin[] = [
      {
        key: "awsamp",
        label: "awsamp via bin/pulumi-resource-awsamp",
        pkg: "awsamp",
        type: "awsamp:index:ResourcePolicy",
        dir: path.dirname(PLUGIN_LAUNCHER),
      },
      {
        key: "bare",
        label: "bare grpc-js plugin (sh, exec node)",
        pkg: "bare",
        type: "bare:index:Resource",
        dir: path.join(scratch, "bare"),
      },
    ];
    await writeBareLauncher(path.join(scratch, "bare"));
    const noopDir = path.join(scratch, "noop");
    const noopMissing = buildNoopProvider(noopDir);
    if (!noopMissing) {
      plugins.push({
        key: "noop",
        label: "Go no-op plugin (scripts/bench/noop-provider)",
        pkg: "noop",
        type: "noop:index:Resource",
        dir: noopDir,
      });
    }
    project = await makeProject(cli, scratch, plugins);
    // The first preview of each puts its files in the page cache, as on a machine that ran Pulumi before.
    for (const plugin of plugins) await previewOnce(project, plugin);
    const runs = new Map<EnginePlugin["key"], EnginePluginStart[]>(plugins.map((plugin) => [plugin.key, []]));
    for (let round = 0; round < RUNS; round++) {
      // Rotated, so no plugin always follows the same one (or always runs first after a pause).
      for (let i = 0; i < plugins.length; i++) {
        const plugin = plugins[(round + i) % plugins.length];
        runs.get(plugin.key)?.push(await previewOnce(project, plugin));
      }
    }
    const spans = new Map(plugins.map((plugin) => [plugin.key, spansOf(runs.get(plugin.key) ?? [])]));
    const medianOf = (key: EnginePlugin["key"], span: "fromPreview" | "fromLaunch") =>
      median(spans.get(key)?.[span] ?? []);
    const figures: Figure[] = plugins.map((plugin) => {
      const own = spans.get(plugin.key) ?? { fromPreview: [], fromLaunch: [] };
      return {
        name: `engine-seen start, ${plugin.label}, median of ${RUNS}`,
        value:
          `launch → first answer ${ms(median(own.fromLaunch))} (${range(own.fromLaunch)}); ` +
          `preview start → first answer ${ms(median(own.fromPreview))} (${range(own.fromPreview)})`,
        target: "—",
        met: undefined,
      };
    });
    const launchRatio = medianOf("awsamp", "fromLaunch") / medianOf("bare", "fromLaunch");
    const previewRatio = medianOf("awsamp", "fromPreview") / medianOf("bare", "fromPreview");
    figures.push(
      {
        name: "engine-seen start (launch → first answer), awsamp ÷ bare grpc-js plugin",
        value: `${launchRatio.toFixed(2)}×`,
        target: `≤ ${TARGET_RATIO}×`,
        met: launchRatio <= TARGET_RATIO,
      },
      {
        name: "engine-seen start (preview start → first answer), awsamp ÷ bare grpc-js plugin",
        value: `${previewRatio.toFixed(2)}×`,
        target: `≤ ${TARGET_RATIO}×`,
        met: previewRatio <= TARGET_RATIO,
      },
    );
    if (!noopMissing) {
      figures.push({
        name: "engine-seen start, awsamp ÷ Go no-op plugin",
        value:
          `${(medianOf("awsamp", "fromLaunch") / medianOf("noop", "fromLaunch")).toFixed(2)}× launch → first ` +
          `answer; ${(medianOf("awsamp", "fromPreview") / medianOf("noop", "fromPreview")).toFixed(2)}× ` +
          "preview start → first answer",
        target: "—",
        met: undefined,
      });
    }
    const anyRun = runs.get("awsamp")?.[0];
    const launchToPreview = (key: EnginePlugin["key"]) =>
      median((runs.get(key) ?? []).map((run) => run.launchMs - run.previewStartMs));
    const details = [
      `In these runs the CLI's first log line was \`${anyRun?.previewStartLine.replace(/\d+/g, "N")}\`. The ` +
        "preview's start to the launch is the CLI's set-up, the Node.js language host (launched twice: once " +
        "for About, once for GetRequiredPlugins and Run) and the program up to its first registration: " +
        `${ms(launchToPreview("awsamp"))} for awsamp and ${ms(launchToPreview("bare"))} for the bare plugin ` +
        "(medians). It is the same work for both, done before the plugin exists, so a difference between " +
        "these two is the machine's noise; it is why the preview-start ratio says little about the plugin " +
        "and the launch ratio is the one that isolates it. The engine launches the plugin while the " +
        "program is still finishing, so on a busy machine both compete for the same cores.",
    ];
    if (noopMissing) details.push(`The Go no-op plugin was not measured: ${noopMissing}.`);
    else {
      details.push(
        `The Go no-op plugin answers ${ms(medianOf("noop", "fromLaunch"))} after its launch: a Go binary has ` +
          "no runtime to load. What separates awsamp from it is Node.js and @grpc/grpc-js starting, which the " +
          "bare grpc-js plugin pays as well.",
      );
    }
    return {
      method,
      figures,
      details,
      launchToAnswerMs: { awsamp: medianOf("awsamp", "fromLaunch"), bare: medianOf("bare", "fromLaunch") },
    };
  } finally {
    await project?.dispose();
    await rm(scratch, { recursive: true, force: true });
  }
}
