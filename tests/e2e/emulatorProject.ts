/** A Pulumi project whose awsamp provider the stack config points at an AMP emulator: what every end-to-end suite starts from. */
import { type AmpEmulator, EMULATOR_CREDENTIALS } from "../emulator/server";
import { e2eProgram, PulumiProject } from "../harness/pulumiCli";

/** The resource type of the plugin, as URNs and `pulumi stack export` name it. */
export const POLICY_TYPE = "awsamp:index:ResourcePolicy";

export interface EmulatorProjectOptions {
  /** The project's name; URNs are `urn:pulumi:test::NAME::…`. */
  name: string;
  /** tests/e2e/programs/PROGRAM.ts; `policy` by default. */
  program?: string;
  /** More stack config, as `pulumi config set` takes it. */
  config?: Record<string, string>;
  /** Declare the awsamp plugin in Pulumi.yaml; true by default. */
  pluginPath?: boolean;
  env?: Record<string, string>;
}

/** A project and stack whose `awsamp:*` config (region, endpoint, secret credentials) names the emulator. */
export async function emulatorProject(
  cli: string,
  emulator: AmpEmulator,
  options: EmulatorProjectOptions,
): Promise<PulumiProject> {
  const project = await PulumiProject.create(cli, {
    name: options.name,
    program: e2eProgram(options.program ?? "policy"),
    ...(options.pluginPath === undefined ? {} : { pluginPath: options.pluginPath }),
    ...(options.env ? { env: options.env } : {}),
  });
  await project.config(
    { "awsamp:region": emulator.region, "awsamp:endpoint": emulator.endpoint, ...options.config },
    {
      "awsamp:accessKey": EMULATOR_CREDENTIALS.accessKeyId,
      "awsamp:secretKey": EMULATOR_CREDENTIALS.secretAccessKey,
    },
  );
  return project;
}

/** The URN of a resource of the plugin's type in a project's `test` stack. */
export function policyUrn(project: string, name = "policy"): string {
  return `urn:pulumi:test::${project}::${POLICY_TYPE}::${name}`;
}
