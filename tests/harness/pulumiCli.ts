/**
 * The real `pulumi` CLI as a user runs it: which CLI, and a project in a temporary folder (a local file
 * backend, a passphrase secrets provider, a throwaway PULUMI_HOME) whose TypeScript program uses the SDK and
 * the plugin from this checkout.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { constants } from "node:fs";
import { access, copyFile, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { environmentWithoutAws, PLUGIN_BINARY, REPO_ROOT } from "./plugin";

/** Where `make pulumi` puts the CLI it builds. */
export const TOOLS_BIN = path.join(REPO_ROOT, ".tools", "bin");

/** The end-to-end programs' sources; the language host runs them as TypeScript, as a user's. */
const PROGRAMS = path.join(REPO_ROOT, "tests", "e2e", "programs");

/** tests/e2e/programs/NAME.ts. */
export function e2eProgram(name: string): string {
  return path.join(PROGRAMS, `${name}.ts`);
}

/** The passphrase of every test stack's secrets provider. */
export const PASSPHRASE = "awsamp-e2e-passphrase";

/**
 * The CLI to use: `PULUMI` (which the Makefile sets), else the one `make pulumi` built, else the first on
 * PATH; undefined when there is none.
 */
export async function findPulumiCli(): Promise<string | undefined> {
  const candidates = [
    process.env.PULUMI,
    path.join(TOOLS_BIN, "pulumi"),
    ...(process.env.PATH ?? "").split(path.delimiter).map((dir) => dir && path.join(dir, "pulumi")),
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not there; try the next.
    }
  }
  return undefined;
}

/**
 * Skips the suite's tests, saying why, when no CLI is at hand; under CI=true fails them instead, so a green
 * CI means the real engine ran.
 */
export function requireCliOrSkip(context: Mocha.Context, cli: string | undefined): void {
  if (cli) return;
  const why = "no pulumi CLI: run `make pulumi` (needs Go), or set PULUMI to one";
  if (process.env.CI === "true") throw new Error(`under CI=true the end-to-end tests must run, but ${why}`);
  if (context.currentTest) context.currentTest.title += ` (skipped: ${why})`;
  context.skip();
}

/** What one CLI run did. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ProjectOptions {
  /** The project's name, which namespaces its own stack config. */
  name: string;
  /**
   * The program: a TypeScript file (`e2eProgram(NAME)`, an example's index.ts), copied in as index.ts; or,
   * for another language, a folder whose files are copied in as they are.
   */
  program: string;
  /** A program in Python or Go, with the runtime's options for Pulumi.yaml; TypeScript when absent. */
  runtime?: { name: "python" | "go"; options?: Record<string, string> };
  /** Declare the awsamp plugin in Pulumi.yaml (`plugins.providers`); true by default. */
  pluginPath?: boolean;
  /** The folder Pulumi.yaml names for the awsamp plugin: the build's bin/ when absent. */
  pluginFolder?: string;
  /** Added to the CLI's environment. */
  env?: Record<string, string>;
  /**
   * The packages the program's node_modules holds, linked from the repository's; all of the repository's
   * node_modules when absent. (Their own dependencies still resolve from the repository.)
   */
  packages?: readonly string[];
}

/**
 * A Pulumi project in a temporary folder with one stack, `test`. Its node_modules is the repository's, where
 * @awsamp/awsamp is the SDK of this checkout.
 *
 * @example
 * const project = await PulumiProject.create(cli, { name: "e2e", program: e2eProgram("policy") });
 * await project.config({ workspaceId: "ws-…" });
 * await project.run(["up", "--yes"]);
 * await project.dispose();
 */
export class PulumiProject {
  private constructor(
    readonly cli: string,
    readonly root: string,
    readonly dir: string,
    readonly env: Record<string, string>,
  ) {}

  static async create(cli: string, options: ProjectOptions): Promise<PulumiProject> {
    const root = await mkdtemp(path.join(tmpdir(), `awsamp-${options.name}-`));
    const dir = path.join(root, "project");
    await Promise.all([mkdir(dir), mkdir(path.join(root, "state")), mkdir(path.join(root, "home"))]);
    if (options.runtime) await cp(options.program, dir, { recursive: true });
    else {
      await writeFile(
        path.join(dir, "package.json"),
        JSON.stringify({ name: options.name, private: true, main: "index.ts" }, null, 2),
      );
      await copyFile(options.program, path.join(dir, "index.ts"));
      await linkNodeModules(dir, options.packages);
    }
    // Written last: the project file is the test's, whatever a copied folder holds.
    await writeFile(path.join(dir, "Pulumi.yaml"), projectFile(options));
    const env = {
      ...environmentWithoutAws(),
      // The CLI finds its language host beside itself; the tools folder comes first for CLIs on PATH too.
      PATH: [TOOLS_BIN, path.dirname(cli), process.env.PATH ?? ""].join(path.delimiter),
      PULUMI_HOME: path.join(root, "home"),
      PULUMI_BACKEND_URL: `file://${path.join(root, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      // Nothing can be downloaded here: a plugin the engine cannot find must fail the run, not hang it.
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      ...options.env,
    };
    const project = new PulumiProject(cli, root, dir, env);
    await project.must(["stack", "init", "test"]);
    return project;
  }

  /** Runs the CLI in the project, non-interactive and without colour. */
  run(args: readonly string[], options: { env?: Record<string, string> } = {}): Promise<CliResult> {
    return collect(this.spawn(args, options));
  }

  /**
   * Starts the CLI and hands back the process, for a test that interrupts it; `detached` puts it and the
   * plugins it starts in a process group of their own.
   */
  spawn(
    args: readonly string[],
    options: { env?: Record<string, string>; detached?: boolean } = {},
  ): ChildProcess {
    return spawn(this.cli, ["--non-interactive", "--color", "never", ...args], {
      cwd: this.dir,
      env: { ...this.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: options.detached ?? false,
    });
  }

  /** Runs the CLI and fails with its output unless it exits 0. */
  async must(args: readonly string[], options: { env?: Record<string, string> } = {}): Promise<CliResult> {
    const result = await this.run(args, options);
    if (result.code !== 0) {
      throw new Error(
        `pulumi ${args.join(" ")} exited ${result.code ?? result.signal}:\n${result.stdout}\n${result.stderr}`,
      );
    }
    return result;
  }

  /** Runs the CLI and fails unless it exits non-zero. */
  async mustFail(
    args: readonly string[],
    options: { env?: Record<string, string> } = {},
  ): Promise<CliResult> {
    const result = await this.run(args, options);
    if (result.code === 0) throw new Error(`pulumi ${args.join(" ")} succeeded:\n${result.stdout}`);
    return result;
  }

  /** Sets stack config: plain values, and secrets with --secret. */
  async config(values: Record<string, string>, secrets: Record<string, string> = {}): Promise<void> {
    for (const [key, value] of Object.entries(values)) await this.must(["config", "set", key, "--", value]);
    for (const [key, value] of Object.entries(secrets))
      await this.must(["config", "set", "--secret", key, "--", value]);
  }

  /** `pulumi preview --json`, parsed. */
  async preview(args: readonly string[] = []): Promise<PreviewJson> {
    const result = await this.must(["preview", "--json", ...args]);
    return JSON.parse(result.stdout) as PreviewJson;
  }

  /** `pulumi stack export`, parsed. */
  async exportStack(): Promise<DeploymentJson> {
    const result = await this.must(["stack", "export", "--show-secrets=false"]);
    return JSON.parse(result.stdout) as DeploymentJson;
  }

  /** The raw text of the stack's state file in the backend, as it sits on disk. */
  async stateFile(): Promise<string> {
    const project = /^name: (\S+)$/m.exec(await readFile(path.join(this.dir, "Pulumi.yaml"), "utf8"))?.[1];
    return readFile(path.join(this.root, "state", ".pulumi", "stacks", `${project}`, "test.json"), "utf8");
  }

  /** The text of the stack's config file, Pulumi.test.yaml, where secrets sit encrypted. */
  stackConfigFile(): Promise<string> {
    return readFile(path.join(this.dir, "Pulumi.test.yaml"), "utf8");
  }

  /** Replaces the program with another file's, or with source text. */
  async setProgram(program: { file: string } | { source: string }): Promise<void> {
    const target = path.join(this.dir, "index.ts");
    if ("file" in program) await copyFile(program.file, target);
    else await writeFile(target, program.source);
  }

  async dispose(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

async function linkNodeModules(dir: string, packages: readonly string[] | undefined): Promise<void> {
  const repository = path.join(REPO_ROOT, "node_modules");
  if (!packages) return symlink(repository, path.join(dir, "node_modules"));
  for (const name of packages) {
    const link = path.join(dir, "node_modules", name);
    await mkdir(path.dirname(link), { recursive: true });
    await symlink(path.join(repository, name), link);
  }
}

function projectFile(options: ProjectOptions): string {
  const lines = [`name: ${options.name}`];
  if (!options.runtime) lines.push("runtime: nodejs");
  else {
    lines.push("runtime:", `  name: ${options.runtime.name}`);
    const runtimeOptions = Object.entries(options.runtime.options ?? {});
    if (runtimeOptions.length > 0) lines.push("  options:");
    for (const [key, value] of runtimeOptions) lines.push(`    ${key}: ${JSON.stringify(value)}`);
  }
  if (options.pluginPath !== false) {
    lines.push(
      "plugins:",
      "  providers:",
      "    - name: awsamp",
      `      path: ${JSON.stringify(options.pluginFolder ?? path.dirname(PLUGIN_BINARY))}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** A child's whole output and how it ended; rejects if it could not be started. */
export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The parts of `pulumi preview --json` the tests read. */
export interface PreviewJson {
  steps: Array<{
    op: string;
    urn: string;
    diffReasons?: string[];
    replaceReasons?: string[];
    detailedDiff?: Record<string, { kind: string; inputDiff: boolean }>;
    newState?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
  }>;
  diagnostics?: Array<{ urn?: string; message: string; severity: string }>;
  changeSummary?: Record<string, number>;
}

/** The parts of `pulumi stack export` the tests read. */
export interface DeploymentJson {
  deployment: {
    resources?: Array<{
      urn: string;
      type: string;
      id?: string;
      inputs?: Record<string, unknown>;
      outputs?: Record<string, unknown>;
      initErrors?: string[];
    }>;
    pending_operations?: Array<{ type: string; resource: { urn: string; id?: string } }>;
  };
}

/** The stack's resources of one type. */
export function resourcesOfType(deployment: DeploymentJson, type: string) {
  return (deployment.deployment.resources ?? []).filter((resource) => resource.type === type);
}
