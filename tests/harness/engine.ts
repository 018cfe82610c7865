/** A stand-in for the Pulumi engine's Engine service: it collects the log lines a plugin sends. */

import type { LogSeverity } from "@awsamp/engine/engineLog";
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { EngineService, type IEngineServer } from "@pulumi/pulumi/proto/engine_grpc_pb";
import {
  GetRootResourceResponse,
  type LogRequest,
  RequirePulumiVersionResponse,
  SetRootResourceResponse,
} from "@pulumi/pulumi/proto/engine_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";

/** One line as the engine received it. */
export interface LoggedLine {
  severity: LogSeverity;
  message: string;
  urn: string;
  ephemeral: boolean;
}

const SEVERITIES: readonly LogSeverity[] = ["debug", "info", "warning", "error"];

/**
 * The Engine service on 127.0.0.1: Log records every line; the root-resource calls answer as an engine
 * with no stack would.
 *
 * @example
 * const engine = await FakeEngine.start();
 * // spawn a plugin with engine.address, drive it, then:
 * engine.linesFor(urn, "warning");
 */
export class FakeEngine {
  private readonly received: LoggedLine[] = [];
  private readonly waiters = new Set<() => void>();
  private rootUrn = "";

  private constructor(
    private readonly server: Server,
    readonly address: string,
  ) {}

  static async start(): Promise<FakeEngine> {
    const server = new Server();
    let engine: FakeEngine | undefined;
    const service: Pick<
      IEngineServer,
      "log" | "getRootResource" | "setRootResource" | "requirePulumiVersion"
    > = {
      log: (call, callback) => {
        engine?.record(call.request);
        callback(null, new Empty());
      },
      getRootResource: (_call, callback) =>
        callback(null, new GetRootResourceResponse().setUrn(engine?.rootUrn ?? "")),
      setRootResource: (call, callback) => {
        if (engine) engine.rootUrn = call.request.getUrn();
        callback(null, new SetRootResourceResponse());
      },
      requirePulumiVersion: (_call, callback) => callback(null, new RequirePulumiVersionResponse()),
    };
    server.addService(EngineService, service);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    engine = new FakeEngine(server, `127.0.0.1:${port}`);
    return engine;
  }

  /** Every line received since the last clear, in arrival order. */
  get lines(): readonly LoggedLine[] {
    return this.received;
  }

  /** The lines on one resource, optionally of one severity; ephemeral status lines only when asked for. */
  linesFor(urn: string, severity?: LogSeverity, options: { ephemeral?: boolean } = {}): LoggedLine[] {
    const ephemeral = options.ephemeral ?? false;
    return this.received.filter(
      (line) =>
        line.urn === urn &&
        (severity === undefined || line.severity === severity) &&
        line.ephemeral === ephemeral,
    );
  }

  /** Resolves with the first line (already received or still to come) that matches, or rejects after `timeoutMs`. */
  async waitForLine(matches: (line: LoggedLine) => boolean, timeoutMs = 5000): Promise<LoggedLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(matches);
      if (found) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new Error(
          `waiting for an engine log line: none matched within ${timeoutMs} ms (${this.received.length} received)`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, remaining);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      });
    }
  }

  clear(): void {
    this.received.length = 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }

  private record(request: LogRequest): void {
    this.received.push({
      severity: SEVERITIES[request.getSeverity()] ?? "error",
      message: request.getMessage(),
      urn: request.getUrn(),
      ephemeral: request.getEphemeral(),
    });
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiting) wake();
  }
}
