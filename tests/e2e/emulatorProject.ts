/**
 * What every end-to-end suite starts from: the real CLI, an AMP emulator, and Pulumi projects whose awsamp
 * provider the stack config points at that emulator.
 */
import { AmpEmulator, type AmpEmulatorOptions, EMULATOR_CREDENTIALS } from "../emulator/server";
import {
  e2eProgram,
  findPulumiCli,
  type ProjectOptions,
  PulumiProject,
  requireCliOrSkip,
} from "../harness/pulumiCli";

/** The resource type of the plugin, as URNs and `pulumi stack export` name it. */
export const POLICY_TYPE = "awsamp:index:ResourcePolicy";

export interface EmulatorProjectOptions {
  /** The project's name; URNs are `urn:pulumi:test::NAME::…`. */
  name: string;
  /** tests/e2e/programs/PROGRAM.ts; `policy` by default. With `runtime`, the program's folder. */
  program?: string;
  /** A Python or Go program (ProjectOptions.runtime), in the folder `program` names. */
  runtime?: ProjectOptions["runtime"];
  /** More stack config, as `pulumi config set` takes it. */
  config?: Record<string, string>;
  /** Declare the awsamp plugin in Pulumi.yaml; true by default. */
  pluginPath?: boolean;
  env?: Record<string, string>;
  /** The packages the program's node_modules holds; all of the repository's when absent. */
  packages?: readonly string[];
}

/** A suite's CLI, emulator and projects, valid inside its tests and its own hooks. */
export interface EndToEnd {
  /** False when no CLI is at hand: the suite's tests skip (or fail, under CI=true). */
  readonly available: boolean;
  readonly cli: string;
  readonly emulator: AmpEmulator;
  /** A project whose `awsamp:*` config (region, endpoint, secret credentials) names the emulator. */
  project(options: EmulatorProjectOptions): Promise<PulumiProject>;
  /** A project with no stack config at all. */
  bareProject(options: Omit<ProjectOptions, "program"> & { program: string }): Promise<PulumiProject>;
}

/**
 * Registers the suite's hooks: before its tests, find the CLI and start the emulator; before each test,
 * skip it (under CI=true, fail it) when there is no CLI; after them, remove the projects and stop the
 * emulator. Call it at the top of a `describe`.
 */
export function useEndToEnd(emulatorOptions: AmpEmulatorOptions = {}): EndToEnd {
  let cli: string | undefined;
  let emulator: AmpEmulator | undefined;
  const projects: PulumiProject[] = [];
  const track = (project: PulumiProject) => {
    projects.push(project);
    return project;
  };
  before(async () => {
    cli = await findPulumiCli();
    if (cli) emulator = await AmpEmulator.start(emulatorOptions);
  });
  after(async () => {
    await Promise.all(projects.map((project) => project.dispose()));
    await emulator?.close();
  });
  beforeEach(function () {
    requireCliOrSkip(this, cli);
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the end-to-end suite has no ${what}: no pulumi CLI`);
    return value;
  };
  return {
    get available() {
      return cli !== undefined;
    },
    get cli() {
      return started(cli, "CLI");
    },
    get emulator() {
      return started(emulator, "emulator");
    },
    async project(options) {
      const emulator = started(this.emulator, "emulator");
      const project = track(
        await PulumiProject.create(this.cli, {
          name: options.name,
          program:
            options.runtime && options.program ? options.program : e2eProgram(options.program ?? "policy"),
          ...(options.runtime ? { runtime: options.runtime } : {}),
          ...(options.pluginPath === undefined ? {} : { pluginPath: options.pluginPath }),
          ...(options.env ? { env: options.env } : {}),
          ...(options.packages ? { packages: options.packages } : {}),
        }),
      );
      await project.config(
        { "awsamp:region": emulator.region, "awsamp:endpoint": emulator.endpoint, ...options.config },
        {
          "awsamp:accessKey": EMULATOR_CREDENTIALS.accessKeyId,
          "awsamp:secretKey": EMULATOR_CREDENTIALS.secretAccessKey,
        },
      );
      return project;
    },
    async bareProject(options) {
      return track(
        await PulumiProject.create(this.cli, { ...options, program: e2eProgram(options.program) }),
      );
    },
  };
}

/** The URN of a resource of the plugin's type in a project's `test` stack. */
export function policyUrn(project: string, name = "policy"): string {
  return `urn:pulumi:test::${project}::${POLICY_TYPE}::${name}`;
}
