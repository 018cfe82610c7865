/** Benchmark: plugin start-up against a bare gRPC server, spawn to first answer and as the engine sees it. */
import path from "node:path";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { type EngineStartFindings, measureEnginePluginStart } from "./enginePluginStart";
import { type BenchSection, median } from "./report";
import { type Command, launchServer, PLUGIN_LAUNCHER, PLUGIN_MAIN } from "./serverProcess";

const RUNS = 10;
const TARGET_RATIO = 1.5;

const PLUGIN: Command = { file: PLUGIN_LAUNCHER, args: [] };
const PLUGIN_WITHOUT_LAUNCHER: Command = { file: process.execPath, args: [PLUGIN_MAIN] };
const BARE_SERVER: Command = { file: process.execPath, args: [path.join(__dirname, "bareGrpcServer.js")] };

/** Milliseconds from spawn to the GetPluginInfo answer; the process is stopped afterwards. */
async function timeToFirstAnswer(command: Command): Promise<number> {
  const started = process.hrtime.bigint();
  const server = await launchServer(command);
  try {
    await server.call<PluginInfo>((metadata, options, callback) =>
      server.client.getPluginInfo(new Empty(), metadata, options, callback),
    );
    return Number(process.hrtime.bigint() - started) / 1e6;
  } finally {
    await server.stop();
  }
}

/** The launcher's cost, in words: the medians' difference, which noise can make negative. */
function launcherShare(differenceMs: number): string {
  return differenceMs < 1 ? "less than a millisecond" : `about ${differenceMs.toFixed(0)} ms`;
}

/**
 * How much later the engine sees each start than a spawn-level client does: the same process start, plus the
 * engine's wait for its connection to become ready and its Handshake, with the program running alongside.
 */
function engineBeyondSpawn(engine: EngineStartFindings, plugin: number, bare: number): string[] {
  if (!engine.launchToAnswerMs) return [];
  const beyond = (engineMs: number, spawnMs: number) => `${(engineMs - spawnMs).toFixed(0)} ms`;
  return [
    `The engine sees awsamp answer ${beyond(engine.launchToAnswerMs.awsamp, plugin)} later than a spawn-level ` +
      `client does (engine-seen median minus spawn-level median) and the bare server ` +
      `${beyond(engine.launchToAnswerMs.bare, bare)} later: its wait for the connection to become ready, ` +
      "the Handshake, and the program still running on the same cores, measured together (and for the bare " +
      "server its sh, which the spawn-level runs leave out).",
  ];
}

export async function benchPluginStart(): Promise<BenchSection> {
  const commands = { plugin: PLUGIN, direct: PLUGIN_WITHOUT_LAUNCHER, bare: BARE_SERVER };
  const times: Record<keyof typeof commands, number[]> = { plugin: [], direct: [], bare: [] };
  // One unmeasured start of each puts the files in the page cache, as on a machine that ran Pulumi before.
  for (const command of Object.values(commands)) await timeToFirstAnswer(command);
  // Interleaved, so a burst of load on the machine touches all three alike.
  for (let run = 0; run < RUNS; run++) {
    for (const [name, command] of Object.entries(commands) as [keyof typeof commands, Command][]) {
      times[name].push(await timeToFirstAnswer(command));
    }
  }
  const plugin = median(times.plugin);
  const direct = median(times.direct);
  const bare = median(times.bare);
  const ratio = plugin / bare;
  const engine = await measureEnginePluginStart();
  const range = (values: number[]) =>
    `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)} ms`;
  return {
    title: "Plugin start: spawn to the first answered RPC, and as the engine sees it",
    method:
      `Each process is spawned as the engine spawns a plugin (stdout piped, the first line read as the port), ` +
      "then a client connects and calls GetPluginInfo; the time runs from spawn to the answer. The plugin is " +
      "started through bin/pulumi-resource-awsamp (the launcher the engine runs: sh, then exec node) and, for " +
      "comparison, as `node provider/plugin/bin/main.js`. The floor is scripts/bench/bareGrpcServer.ts: node " +
      "and a @grpc/grpc-js server answering GetPluginInfo (and, with no work, the other calls of a one-resource " +
      "preview) through the same @pulumi/pulumi proto stubs, spawned with node directly. One unmeasured start " +
      `of each first, then ${RUNS} of each, interleaved; medians.\n\n${engine.method}`,
    figures: [
      {
        name: `plugin via bin/pulumi-resource-awsamp, median of ${RUNS}`,
        value: `${plugin.toFixed(0)} ms (${range(times.plugin)})`,
        target: "—",
        met: undefined,
      },
      {
        name: `plugin as node provider/plugin/bin/main.js, median of ${RUNS}`,
        value: `${direct.toFixed(0)} ms (${range(times.direct)})`,
        target: "—",
        met: undefined,
      },
      {
        name: `bare grpc-js server (node), median of ${RUNS}`,
        value: `${bare.toFixed(0)} ms (${range(times.bare)})`,
        target: "—",
        met: undefined,
      },
      {
        name: "plugin via the launcher ÷ bare server",
        value: `${ratio.toFixed(2)}×`,
        target: `≤ ${TARGET_RATIO}×`,
        met: ratio <= TARGET_RATIO,
      },
      ...engine.figures,
    ],
    details: [
      `The launcher's shell accounts for ${launcherShare(plugin - direct)} of the plugin's median ` +
        `(${(direct / bare).toFixed(2)}× the bare server without it). The plugin loads the AWS SDK and the ` +
        "policy module only when a call first needs them, so neither is in these figures.",
      ...engineBeyondSpawn(engine, plugin, bare),
      ...engine.details,
    ],
  };
}
