/** The dynamic provider's AMP client configuration: stack config `awsamp:*`, the AWS environment for the rest. */

import type { AmpClientConfig } from "@awsamp/core/client";
import { AwsampError } from "@awsamp/core/errors";
import type * as pulumi from "@pulumi/pulumi";

/** The namespace of the stack config the plugin reads too, so one stack config serves both providers. */
export const CONFIG_NAMESPACE = "awsamp";

/**
 * Reads `awsamp:region`, `awsamp:profile`, `awsamp:endpoint` and the credentials `awsamp:accessKey`,
 * `awsamp:secretKey` and `awsamp:token`. What is not set is left to the AWS SDK, which reads AWS_REGION,
 * AWS_PROFILE, AWS_ENDPOINT_URL_AMP and the standard credential chain.
 */
export function ampClientConfigFrom(config: pulumi.dynamic.Config): AmpClientConfig {
  const read = (key: string) => nonEmpty(config.get(`${CONFIG_NAMESPACE}:${key}`));
  const region = read("region");
  const profile = read("profile");
  const endpoint = read("endpoint");
  const credentials = staticCredentials(read("accessKey"), read("secretKey"), read("token"));
  return {
    ...(region ? { region } : {}),
    ...(profile ? { profile } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
  };
}

function staticCredentials(
  accessKeyId: string | undefined,
  secretAccessKey: string | undefined,
  sessionToken: string | undefined,
): AmpClientConfig["credentials"] {
  if (!accessKeyId && !secretAccessKey) return undefined;
  if (!accessKeyId || !secretAccessKey) {
    const missing = accessKeyId ? "secretKey" : "accessKey";
    throw new AwsampError(
      `configuring the awsamp dynamic provider: ${CONFIG_NAMESPACE}:${missing} is not set while its partner is. ` +
        `Set both ${CONFIG_NAMESPACE}:accessKey and ${CONFIG_NAMESPACE}:secretKey (pulumi config set --secret), ` +
        "or neither to use the AWS credential chain.",
    );
  }
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/**
 * Whether a preview looks up the workspace a policy is first put on, as the plugin does: unless stack config
 * `awsamp:skipWorkspaceCheck` is true, for previews that must not reach AWS.
 */
export function checksWorkspacesFrom(config: pulumi.dynamic.Config): boolean {
  return config.get(`${CONFIG_NAMESPACE}:skipWorkspaceCheck`) !== "true";
}
