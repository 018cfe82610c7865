/**
 * Runs the policy pack as the Node.js language host runs it (@pulumi/pulumi's run-policy-pack in the pack's
 * folder) and calls its analyzer as the engine does, for resource types no plugin here can serve.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { credentials } from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
  AnalyzeRequest,
  type AnalyzeResponse,
  AnalyzerResourceOptions,
  ConfigureAnalyzerRequest,
  EnforcementLevel,
  PolicyConfig,
} from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { REPO_ROOT } from "./plugin";

export const POLICY_PACK_DIR = path.join(REPO_ROOT, "provider", "policy-pack");

/** What the engine sends for a value not known during preview (an unknown string). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Level = "advisory" | "mandatory" | "disabled";

/** The pack's config file, as `--policy-pack-config` takes it: per policy, a level or a level and properties. */
export type PackConfig = Record<string, Level | ({ enforcementLevel?: Level } & Record<string, unknown>)>;

/** One violation the pack reported. */
export interface Reported {
  policyName: string;
  enforcementLevel: Level;
  message: string;
}

const LEVELS: Record<Level, EnforcementLevel> = {
  advisory: EnforcementLevel.ADVISORY,
  mandatory: EnforcementLevel.MANDATORY,
  disabled: EnforcementLevel.DISABLED,
};
const LEVEL_NAMES = Object.fromEntries(
  Object.entries(LEVELS).map(([level, value]) => [value, level as Level]),
);

/**
 * @example
 * const pack = await PolicyPackProcess.launch();
 * const reported = await pack.analyze("aws:amp/resourcePolicy:ResourcePolicy", { workspaceId, policyDocument });
 * pack.stop();
 */
export class PolicyPackProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: AnalyzerClient,
  ) {}

  static async launch(): Promise<PolicyPackProcess> {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [POLICY_PACK_DIR] });
    // The first argument is the engine's address, which run-policy-pack sets aside; the pack needs none.
    const child = spawn(process.execPath, [runner, "127.0.0.1:0", POLICY_PACK_DIR], {
      cwd: POLICY_PACK_DIR,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const port = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      lines.once("line", resolve);
      child.once("exit", (code) =>
        reject(new Error(`the policy pack exited ${code} before serving:\n${stderr}`)),
      );
    });
    const client = new AnalyzerClient(`127.0.0.1:${port.trim()}`, credentials.createInsecure());
    return new PolicyPackProcess(child, client);
  }

  /** Sets the policies' levels and properties, as the CLI does from the config file. */
  configure(config: PackConfig): Promise<void> {
    const request = new ConfigureAnalyzerRequest();
    for (const [name, value] of Object.entries(config)) {
      const { enforcementLevel, ...properties } =
        typeof value === "string" ? { enforcementLevel: value } : value;
      const policy = new PolicyConfig().setProperties(Struct.fromJavaScript(properties as never));
      if (enforcementLevel) policy.setEnforcementlevel(LEVELS[enforcementLevel]);
      request.getPolicyconfigMap().set(name, policy);
    }
    return new Promise((resolve, reject) =>
      this.client.configure(request, (error) => (error ? reject(error) : resolve())),
    );
  }

  /** The violations the pack reports on one resource's inputs. */
  async analyze(type: string, props: Record<string, unknown>, name = "policy"): Promise<Reported[]> {
    const request = new AnalyzeRequest()
      .setType(type)
      .setName(name)
      .setUrn(`urn:pulumi:test::analyzer::${type}::${name}`)
      .setProperties(Struct.fromJavaScript(props as never))
      .setOptions(new AnalyzerResourceOptions());
    const response = await new Promise<AnalyzeResponse>((resolve, reject) =>
      this.client.analyze(request, (error, answer) => (error ? reject(error) : resolve(answer))),
    );
    return response.getDiagnosticsList().map((diagnostic) => ({
      policyName: diagnostic.getPolicyname(),
      enforcementLevel: LEVEL_NAMES[diagnostic.getEnforcementlevel()] ?? "advisory",
      message: diagnostic.getMessage(),
    }));
  }

  stop(): void {
    this.client.close();
    this.child.kill();
  }
}
