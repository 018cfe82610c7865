/** Launches the provider plugin as the engine does and calls its RPCs with real messages. */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import {
  type CallOptions,
  type ClientUnaryCall,
  credentials,
  Metadata,
  type ServiceError,
} from "@grpc/grpc-js";
import { PluginAttach, type PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import {
  type CheckRequest,
  type CheckResponse,
  type ConfigureRequest,
  type ConfigureResponse,
  type CreateRequest,
  type CreateResponse,
  type DeleteRequest,
  type DiffRequest,
  type DiffResponse,
  GetMappingRequest,
  type GetMappingResponse,
  GetMappingsRequest,
  type GetMappingsResponse,
  GetSchemaRequest,
  type GetSchemaResponse,
  ProviderHandshakeRequest,
  type ProviderHandshakeResponse,
  type ReadRequest,
  type ReadResponse,
  type UpdateRequest,
  type UpdateResponse,
} from "@pulumi/pulumi/proto/provider_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";

/** The repository root, from build/tests/harness/. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

/** The launcher `make build` writes. */
export const PLUGIN_BINARY = path.join(REPO_ROOT, "bin", "pulumi-resource-awsamp");

/** How long the plugin may take to print its port. */
const LAUNCH_TIMEOUT_MS = 15_000;

/** Every call has a deadline, so a plugin that hangs fails the test instead of stalling the suite. */
const CALL_DEADLINE_MS = 30_000;

export interface PluginLaunch {
  /** The engine's address, passed as the first argument as the engine does; left out when absent. */
  engineAddress?: string;
  /** The executable; bin/pulumi-resource-awsamp by default. */
  command?: string;
  cwd?: string;
  /** Added to an environment stripped of AWS_* variables, so only what a test gives reaches the plugin. */
  env?: Record<string, string>;
}

type Callback<Res> = (error: ServiceError | null, response: Res) => void;

/**
 * One plugin process and a ResourceProviderClient connected to it.
 *
 * @example
 * const plugin = await PluginProcess.launch({ engineAddress: engine.address });
 * const info = await plugin.getPluginInfo();
 * await plugin.stop();
 */
export class PluginProcess {
  readonly client: ResourceProviderClient;
  private stderrText = "";
  private exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    /** The first stdout line, exactly as printed. */
    readonly firstLine: string,
  ) {
    this.client = new ResourceProviderClient(`127.0.0.1:${port}`, credentials.createInsecure());
    child.stderr?.on("data", (chunk: Buffer) => {
      this.stderrText += chunk.toString("utf8");
    });
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  }

  /** Spawns the plugin and reads its port from the first stdout line. */
  static async launch(launch: PluginLaunch = {}): Promise<PluginProcess> {
    const child = spawn(launch.command ?? PLUGIN_BINARY, launch.engineAddress ? [launch.engineAddress] : [], {
      cwd: launch.cwd ?? REPO_ROOT,
      env: { ...environmentWithoutAws(), ...launch.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const firstLine = await readFirstLine(child, "the plugin", () => stderr);
    const port = Number(firstLine);
    if (!/^\d+$/.test(firstLine) || port <= 0) {
      child.kill("SIGKILL");
      throw new Error(
        `launching the plugin: its first stdout line is "${firstLine}", not a port. stderr: ${stderr}`,
      );
    }
    const plugin = new PluginProcess(child, port, firstLine);
    plugin.stderrText = stderr;
    return plugin;
  }

  /** What the plugin wrote to stderr so far. */
  get stderr(): string {
    return this.stderrText;
  }

  handshake(engineAddress: string): Promise<ProviderHandshakeResponse> {
    const request = new ProviderHandshakeRequest().setEngineAddress(engineAddress);
    return this.call((m, o, cb) => this.client.handshake(request, m, o, cb));
  }

  getPluginInfo(): Promise<PluginInfo> {
    return this.call((m, o, cb) => this.client.getPluginInfo(new Empty(), m, o, cb));
  }

  getSchema(request = new GetSchemaRequest()): Promise<GetSchemaResponse> {
    return this.call((m, o, cb) => this.client.getSchema(request, m, o, cb));
  }

  attach(address: string): Promise<Empty> {
    return this.call((m, o, cb) => this.client.attach(new PluginAttach().setAddress(address), m, o, cb));
  }

  getMapping(key: string): Promise<GetMappingResponse> {
    return this.call((m, o, cb) => this.client.getMapping(new GetMappingRequest().setKey(key), m, o, cb));
  }

  getMappings(key: string): Promise<GetMappingsResponse> {
    return this.call((m, o, cb) => this.client.getMappings(new GetMappingsRequest().setKey(key), m, o, cb));
  }

  checkConfig(request: CheckRequest): Promise<CheckResponse> {
    return this.call((m, o, cb) => this.client.checkConfig(request, m, o, cb));
  }

  diffConfig(request: DiffRequest): Promise<DiffResponse> {
    return this.call((m, o, cb) => this.client.diffConfig(request, m, o, cb));
  }

  configure(request: ConfigureRequest): Promise<ConfigureResponse> {
    return this.call((m, o, cb) => this.client.configure(request, m, o, cb));
  }

  check(request: CheckRequest): Promise<CheckResponse> {
    return this.call((m, o, cb) => this.client.check(request, m, o, cb));
  }

  diff(request: DiffRequest): Promise<DiffResponse> {
    return this.call((m, o, cb) => this.client.diff(request, m, o, cb));
  }

  create(request: CreateRequest): Promise<CreateResponse> {
    return this.call((m, o, cb) => this.client.create(request, m, o, cb));
  }

  read(request: ReadRequest): Promise<ReadResponse> {
    return this.call((m, o, cb) => this.client.read(request, m, o, cb));
  }

  update(request: UpdateRequest): Promise<UpdateResponse> {
    return this.call((m, o, cb) => this.client.update(request, m, o, cb));
  }

  delete(request: DeleteRequest): Promise<Empty> {
    return this.call((m, o, cb) => this.client.delete(request, m, o, cb));
  }

  cancel(): Promise<Empty> {
    return this.call((m, o, cb) => this.client.cancel(new Empty(), m, o, cb));
  }

  /** Stops the plugin (SIGTERM, then SIGKILL if it lingers) and closes the client. */
  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGTERM");
    const lingering = setTimeout(() => this.child.kill("SIGKILL"), 3000);
    await this.exited;
    clearTimeout(lingering);
  }

  private call<Res>(
    start: (metadata: Metadata, options: Partial<CallOptions>, callback: Callback<Res>) => ClientUnaryCall,
  ): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      start(new Metadata(), { deadline: new Date(Date.now() + CALL_DEADLINE_MS) }, (error, response) =>
        error ? reject(error) : resolve(response),
      );
    });
  }
}

/** The test process's environment without AWS_* variables, and with the instance-metadata lookup off. */
export function environmentWithoutAws(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith("AWS_")) env[key] = value;
  }
  env.AWS_EC2_METADATA_DISABLED = "true";
  return env;
}

/**
 * The first stdout line of a process launched as the engine launches plugins (its port), failing with
 * `launching WHAT: …` and its stderr when it exits, errs or stays silent for LAUNCH_TIMEOUT_MS.
 */
export function readFirstLine(child: ChildProcess, what: string, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!child.stdout) return reject(new Error(`launching ${what}: no stdout pipe`));
    const lines = createInterface({ input: child.stdout });
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`launching ${what}: ${why}. stderr: ${stderr()}`));
    };
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(`no port within ${LAUNCH_TIMEOUT_MS} ms`);
    }, LAUNCH_TIMEOUT_MS);
    lines.once("line", (line) => {
      clearTimeout(timer);
      lines.close();
      // Keep draining stdout, so a process that prints later never blocks on a full pipe.
      child.stdout?.resume();
      resolve(line);
    });
    child.once("exit", (code) => fail(`it exited (code ${code}) before printing a port`));
    child.once("error", (error) => fail(`${error.message}; run \`make build\` first`));
  });
}
