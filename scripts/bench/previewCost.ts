/** Benchmark: the plugin's share of a preview, Check then Diff for 1,000 resources through gRPC. */
import { randomUUID } from "node:crypto";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { toStruct } from "@awsamp/plugin/values";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { type CheckResponse, DiffRequest, type DiffResponse } from "@pulumi/pulumi/proto/provider_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { FakeEngine } from "../../tests/harness/engine";
import { changesOf, checkRequest, configureRequest, resourceUrn } from "../../tests/harness/messages";
import { realisticPolicy, workspaceArnOf } from "./fixtures";
import type { BenchSection, Figure } from "./report";
import { type Command, launchServer, PLUGIN_LAUNCHER, type ServerProcess } from "./serverProcess";

const RESOURCES = 1000;
const CONCURRENCY = 16;
/** Every tenth resource's document changes (a partner account added); the rest are as deployed. */
const CHANGED_EVERY = 10;
const REGION = "us-east-1";
const TARGET_MS = 1;

const BARE_SERVER: Command = { file: process.execPath, args: [path.join(__dirname, "bareGrpcServer.js")] };

/** One resource of the previewed stack: what the engine sends for it. */
interface PreviewedResource {
  check: ReturnType<typeof checkRequest>;
  diff: DiffRequest;
  changed: boolean;
}

/** What one pass over the stack cost: wall time and the server process's CPU time, per resource. */
interface Pass {
  wallMs: number;
  serverCpuMs: number;
  lines: number;
}

/** The stack: each resource's Check request and the parts of its Diff request the engine knows beforehand. */
function previewedStack(): PreviewedResource[] {
  return Array.from({ length: RESOURCES }, (_, index) => {
    const workspaceId = `ws-${randomUUID()}`;
    const arn = workspaceArnOf(workspaceId, REGION);
    const urn = resourceUrn(`policy-${index}`);
    const changed = index % CHANGED_EVERY === 0;
    const oldInputs = { workspaceId, policyDocument: realisticPolicy(arn) };
    const newInputs = { workspaceId, policyDocument: realisticPolicy(arn, { withPartner: changed }) };
    const outputs = { ...oldInputs, policyStatus: "ACTIVE", revisionId: randomUUID() };
    return {
      check: checkRequest({ urn, olds: oldInputs, news: newInputs }),
      // The engine diffs the checked inputs against the outputs in state (olds = outputs).
      diff: new DiffRequest()
        .setUrn(urn)
        .setId(workspaceId)
        .setOlds(toStruct(outputs))
        .setOldInputs(toStruct(oldInputs)),
      changed,
    };
  });
}

/** Check, then Diff with the checked inputs, as the engine previews one resource; fails on a wrong answer. */
async function previewOne(plugin: ServerProcess, resource: PreviewedResource): Promise<void> {
  const checked = await plugin.call<CheckResponse>((metadata, options, callback) =>
    plugin.client.check(resource.check, metadata, options, callback),
  );
  if (checked.getFailuresList().length > 0) {
    throw new Error(`the preview benchmark: Check refused ${resource.check.getUrn()}`);
  }
  const request = resource.diff.clone().setNews(checked.getInputs());
  const diffed = await plugin.call<DiffResponse>((metadata, options, callback) =>
    plugin.client.diff(request, metadata, options, callback),
  );
  const expected = resource.changed ? "DIFF_SOME" : "DIFF_NONE";
  if (changesOf(diffed) !== expected) {
    throw new Error(
      `the preview benchmark: Diff of ${request.getUrn()} says ${changesOf(diffed)}, not ${expected}`,
    );
  }
}

/** The floor: the same two round trips per resource to the bare server, which does no work. */
async function twoEmptyCalls(server: ServerProcess): Promise<void> {
  for (let call = 0; call < 2; call++) {
    await server.call<PluginInfo>((metadata, options, callback) =>
      server.client.getPluginInfo(new Empty(), metadata, options, callback),
    );
  }
}

/** Runs `work` for every resource, `concurrency` at a time, and measures the pass. */
async function timePass<T>(
  server: ServerProcess,
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<Omit<Pass, "lines">> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await work(item);
    }
  };
  const cpuBefore = server.cpuTimeMs();
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return {
    wallMs: (performance.now() - started) / items.length,
    serverCpuMs: (server.cpuTimeMs() - cpuBefore) / items.length,
  };
}

/** Previews the stack against a fresh plugin (with a stand-in engine for its log lines). */
async function previewPass(stack: readonly PreviewedResource[], concurrency: number): Promise<Pass> {
  const engine = await FakeEngine.start();
  const plugin = await launchServer({ file: PLUGIN_LAUNCHER, args: [engine.address] });
  try {
    await plugin.call((metadata, options, callback) =>
      plugin.client.configure(configureRequest({ args: { region: REGION } }), metadata, options, callback),
    );
    const pass = await timePass(plugin, stack, concurrency, (resource) => previewOne(plugin, resource));
    return { ...pass, lines: engine.lines.length };
  } finally {
    await plugin.stop();
    await engine.stop();
  }
}

/** The same number of round trips against a fresh bare gRPC server. */
async function floorPass(concurrency: number): Promise<Pass> {
  const server = await launchServer(BARE_SERVER);
  try {
    const pass = await timePass(server, Array.from({ length: RESOURCES }, Number), concurrency, () =>
      twoEmptyCalls(server),
    );
    return { ...pass, lines: 0 };
  } finally {
    await server.stop();
  }
}

const msPer = (value: number) => `${value.toFixed(3)} ms`;

function figuresOf(label: string, preview: Pass, floor: Pass): Figure[] {
  return [
    {
      name: `${label}: time per resource (Check + Diff)`,
      value: `${msPer(preview.wallMs)} (${((preview.wallMs * RESOURCES) / 1000).toFixed(2)} s in all)`,
      target: `< ${TARGET_MS} ms`,
      met: preview.wallMs < TARGET_MS,
    },
    {
      name: `${label}: the plugin's CPU time per resource`,
      value: msPer(preview.serverCpuMs),
      target: "—",
      met: undefined,
    },
    {
      name: `${label}: floor, two empty round trips to a bare grpc-js server, per resource`,
      value: `${msPer(floor.wallMs)} (the server's CPU: ${msPer(floor.serverCpuMs)})`,
      target: "—",
      met: undefined,
    },
  ];
}

function explanation(
  sequential: Pass,
  concurrent: Pass,
  floor: { sequential: Pass; concurrent: Pass },
): string[] {
  const missed = [sequential, concurrent].some((pass) => pass.wallMs >= TARGET_MS);
  if (!missed) return [];
  return [
    "Why the target is not met: one resource at a time, the two round trips alone cost " +
      `${msPer(floor.sequential.wallMs)} against a server that does nothing (both ends are Node.js processes ` +
      "on the same two cores, and a unary grpc-js call waits for each side's event loop), so below 1 ms " +
      "is out of reach for a grpc-js plugin driven by a grpc-js client; the engine's client is Go, whose side " +
      `of the call is cheaper, which this benchmark cannot show. With ${CONCURRENCY} in flight the two ` +
      `processes work in parallel: the plugin spent ${msPer(concurrent.serverCpuMs)} of CPU per resource ` +
      `(the bare server ${msPer(floor.concurrent.serverCpuMs)} for the same two calls), so decoding and ` +
      "encoding the property Structs, the handlers (validation, lint, canonical comparison, the access " +
      "summary of changed documents) and garbage collection cost the plugin about " +
      `${msPer(concurrent.serverCpuMs - floor.concurrent.serverCpuMs)} a resource, and the benchmark's own ` +
      "client (encoding the requests, the stand-in engine's log service) competes for the same two cores.",
  ];
}

export async function benchPreviewCost(): Promise<BenchSection> {
  const stack = previewedStack();
  const sequential = await previewPass(stack, 1);
  const concurrent = await previewPass(stack, CONCURRENCY);
  const floor = { sequential: await floorPass(1), concurrent: await floorPass(CONCURRENCY) };
  const documentKiB = (realisticPolicy(workspaceArnOf(`ws-${randomUUID()}`, REGION)).length / 1024).toFixed(
    1,
  );
  return {
    title: "Preview cost: Check and Diff of 1,000 resources",
    method:
      `A stack of ${RESOURCES} ResourcePolicy resources, each on its own workspace with a realistic ` +
      `two-statement document (${documentKiB} KiB); every tenth program changes its document (a third ` +
      "statement for a partner account), the rest are as deployed. For each resource, as the engine previews " +
      "it, Check (olds: the previous inputs) then Diff (news: the checked inputs; olds: the outputs in state, " +
      "with policyStatus and revisionId). Each pass starts a fresh plugin through bin/pulumi-resource-awsamp " +
      "with a stand-in engine for its log lines, configures it, and times every resource from the first " +
      `Check to the last Diff: once one resource at a time (the engine's worst case), once ${CONCURRENCY} in ` +
      "flight. The time per resource is the pass divided by the resources, so it includes the first call's " +
      "loading of the policy module. The plugin's CPU time comes from /proc/PID/stat. The floor makes the " +
      "same number of calls (two GetPluginInfo per resource) to scripts/bench/bareGrpcServer.ts.",
    figures: [
      ...figuresOf("sequential", sequential, floor.sequential),
      ...figuresOf(`${CONCURRENCY} in flight`, concurrent, floor.concurrent),
    ],
    details: [
      `Every Check passed and every Diff answered as expected (DIFF_SOME for the ${RESOURCES / CHANGED_EVERY} ` +
        `changed documents, DIFF_NONE for the others). The plugin sent ${sequential.lines} log lines to the ` +
        "engine per pass (a lint warning on each new partner grant, and the access change of each changed " +
        "document); each RPC answers once its lines have reached the engine.",
      ...explanation(sequential, concurrent, floor).flatMap((line) => ["", line]),
    ],
  };
}
