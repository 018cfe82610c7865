/** Log lines to the engine (Engine.Log), shown under a resource's URN; status lines are ephemeral. */
import { credentials, Metadata } from "@grpc/grpc-js";
import type * as EngineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import type * as EnginePb from "@pulumi/pulumi/proto/engine_pb";

export type LogSeverity = "debug" | "info" | "warning" | "error";

/** One line for the engine. */
export interface LogLine {
  severity: LogSeverity;
  message: string;
  /** The resource the line belongs to; absent for provider-wide lines. */
  urn?: string;
  /** A status update: the progress display shows it and then drops it. */
  ephemeral?: boolean;
}

/** How long one log call may take before it is given up: a slow engine must not stall an operation. */
const LOG_DEADLINE_MS = 10_000;

const SEVERITY_NUMBER: Record<LogSeverity, number> = { debug: 0, info: 1, warning: 2, error: 3 };

/**
 * The engine's log. Lines never fail an operation: a line the engine cannot take is written to stderr and
 * dropped. The engine keeps a plugin's stderr in its debug log (`pulumi -v=9 --logtostderr`), shown to users
 * only when the plugin exits early, so this is where they look when lines went missing. The Engine stubs
 * load at the first line.
 */
export class EngineLog {
  private address: string | undefined;
  private client: EngineGrpc.EngineClient | undefined;
  private readonly pending = new Set<Promise<void>>();

  constructor(address?: string) {
    this.address = address || undefined;
  }

  /** Points the log at an engine (from the launch argument, Handshake or Attach). */
  connect(address: string): void {
    if (!address || address === this.address) return;
    this.client?.close();
    this.client = undefined;
    this.address = address;
  }

  /** Sends a line and resolves once the engine has it (or has failed to take it). */
  log(line: LogLine): Promise<void> {
    const sent = this.send(line);
    this.pending.add(sent);
    void sent.finally(() => this.pending.delete(sent));
    return sent;
  }

  info(urn: string, message: string): Promise<void> {
    return this.log({ severity: "info", message, urn });
  }

  warning(urn: string, message: string): Promise<void> {
    return this.log({ severity: "warning", message, urn });
  }

  /** An ephemeral status line; callers need not wait for it, `flush` does. */
  status(urn: string, message: string): void {
    void this.log({ severity: "info", message, urn, ephemeral: true });
  }

  /** Resolves when every line sent so far has reached the engine (or failed to); later lines are not waited for. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  close(): void {
    this.client?.close();
    this.client = undefined;
  }

  private send(line: LogLine): Promise<void> {
    let client: EngineGrpc.EngineClient | undefined;
    try {
      client = this.engineClient();
    } catch (error) {
      writeToStderr(line, `no engine at ${this.address}: ${(error as Error).message}`);
      return Promise.resolve();
    }
    if (!client) {
      writeToStderr(line);
      return Promise.resolve();
    }
    const { LogRequest } = loadEnginePb();
    const request = new LogRequest()
      .setSeverity(SEVERITY_NUMBER[line.severity])
      .setMessage(line.message)
      .setUrn(line.urn ?? "")
      .setEphemeral(line.ephemeral ?? false);
    const deadline = new Date(Date.now() + LOG_DEADLINE_MS);
    return new Promise<void>((resolve) => {
      client.log(request, new Metadata(), { deadline }, (error) => {
        if (error) writeToStderr(line, `the engine did not take this line: ${error.message}`);
        resolve();
      });
    });
  }

  private engineClient(): EngineGrpc.EngineClient | undefined {
    if (!this.address) return undefined;
    if (!this.client) {
      const { EngineClient } = loadEngineGrpc();
      this.client = new EngineClient(this.address, credentials.createInsecure());
    }
    return this.client;
  }
}

/** Where a line goes when the engine cannot take it: stderr, which reaches the engine's debug log. */
function writeToStderr(line: LogLine, why?: string): void {
  // A status line is only worth showing while it is current.
  if (line.ephemeral) return;
  process.stderr.write(`${line.severity}: ${line.message}${why ? ` (${why})` : ""}\n`);
}

// The Engine stubs load at the first line, so a plugin that logs nothing never pays for them.
function loadEngineGrpc(): typeof EngineGrpc {
  return require("@pulumi/pulumi/proto/engine_grpc_pb");
}

function loadEnginePb(): typeof EnginePb {
  return require("@pulumi/pulumi/proto/engine_pb");
}

/**
 * The engine's address from the launch arguments: the first one that is not a logging or tracing flag
 * (the engine may pass `--logtostderr`, `--logflow`, `-v=N` and `--tracing ENDPOINT` before it).
 */
export function engineAddressFrom(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--tracing") i++;
    else if (!arg.startsWith("-")) return arg;
  }
  return undefined;
}
