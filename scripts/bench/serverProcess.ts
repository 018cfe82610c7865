/** Launches a gRPC server process the way the engine launches a plugin, calls it, and reads its peak memory. */
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { type CallOptions, credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { environmentWithoutAws, readFirstLine } from "../../tests/harness/plugin";

/** The repository root, from build/scripts/bench/. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

/** The launcher `make build` writes: what the engine runs. */
export const PLUGIN_LAUNCHER = path.join(REPO_ROOT, "bin", "pulumi-resource-awsamp");

/** The plugin's compiled entry point, for starting it without the launcher's shell. */
export const PLUGIN_MAIN = path.join(REPO_ROOT, "provider", "plugin", "bin", "main.js");

/** No benchmark call should take this long; a hung process then fails the run instead of stalling it. */
const CALL_DEADLINE_MS = 10 * 60_000;

/** A command line: the executable and its arguments. */
export interface Command {
  file: string;
  args: readonly string[];
}

type Callback<Res> = (error: ServiceError | null, response: Res) => void;

/** One launched process serving the ResourceProvider service, and a client connected to it. */
export interface ServerProcess {
  pid: number;
  port: number;
  client: ResourceProviderClient;
  /** Runs one unary call with a deadline; `start` issues it on `client`. */
  call<Res>(
    start: (metadata: Metadata, options: Partial<CallOptions>, callback: Callback<Res>) => unknown,
  ): Promise<Res>;
  /** The process's peak resident set (VmHWM), in bytes; read it before `stop`. */
  peakRssBytes(): number;
  /** The CPU time (user and system) the process has used so far, in milliseconds. */
  cpuTimeMs(): number;
  /** SIGTERM, then SIGKILL if it lingers; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Spawns `command` as the engine does (stdout piped, first line the port) and connects a client. */
export async function launchServer(
  command: Command,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const child = spawn(command.file, [...command.args], {
    cwd: REPO_ROOT,
    env: { ...environmentWithoutAws(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const line = await readFirstLine(child, command.file, () => stderr);
  const port = Number(line);
  if (!/^\d+$/.test(line) || port <= 0 || child.pid === undefined) {
    child.kill("SIGKILL");
    throw new Error(
      `launching ${command.file}: its first stdout line is "${line}", not a port. stderr: ${stderr}`,
    );
  }
  const pid = child.pid;
  const client = new ResourceProviderClient(`127.0.0.1:${port}`, credentials.createInsecure());
  return {
    pid,
    port,
    client,
    call: <Res>(
      start: (metadata: Metadata, options: Partial<CallOptions>, callback: Callback<Res>) => unknown,
    ) =>
      new Promise<Res>((resolve, reject) => {
        start(new Metadata(), { deadline: new Date(Date.now() + CALL_DEADLINE_MS) }, (error, response) =>
          error ? reject(error) : resolve(response),
        );
      }),
    peakRssBytes: () => peakRssBytesOf(pid),
    cpuTimeMs: () => cpuTimeMsOf(pid),
    stop: async () => {
      client.close();
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const lingering = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(lingering);
    },
  };
}

/** VmHWM from /proc/PID/status (given in KiB), in bytes. */
function peakRssBytesOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  if (!match)
    throw new Error(`reading the peak memory of process ${pid}: /proc/${pid}/status has no VmHWM line`);
  return Number(match[1]) * 1024;
}

/** utime + stime from /proc/PID/stat (fields 14 and 15, in clock ticks), in milliseconds. */
function cpuTimeMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces; the fields after it start at state (field 3).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / clockTicksPerSecond();
}

let ticksPerSecond: number | undefined;

function clockTicksPerSecond(): number {
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
  return ticksPerSecond;
}
