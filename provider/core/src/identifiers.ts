/** What the resource's names look like: AWS regions, AMP workspace IDs, and the import ID. */
import { InvalidInputError } from "./errors";

/** A workspace ID as AMP issues them: ws- and a UUID (AMP allows up to 64 characters). */
export const WORKSPACE_ID_PATTERN = /^ws-[0-9A-Za-z][-0-9A-Za-z]{0,60}$/;

/** The import ID: the workspace ID, with `@REGION` for a workspace outside the provider's region. */
const IMPORT_ID_PATTERN = /^(ws-[^@\s]+)(?:@(.+))?$/;

/** An AWS region name: us-east-1, eu-central-2, us-gov-west-1, cn-northwest-1. */
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * The region of resources that name none: the provider's configured one, else the environment's, as the
 * AWS SDK would take it; undefined when only a shared-config profile could tell (known once a client asks).
 */
export function providerRegionOf(configured: string | undefined): string | undefined {
  return configured ?? (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || undefined);
}

/** Why a region name is not one, or undefined when it is. */
export function regionProblem(region: string): string | undefined {
  if (REGION_PATTERN.test(region)) return undefined;
  return `"${region}" is not an AWS region name; use one like us-east-1, or leave it out`;
}

/** Splits an import ID into the workspace and the optional region. */
export function parseImportId(id: string): { workspaceId: string; region?: string } {
  const match = IMPORT_ID_PATTERN.exec(id);
  const workspaceId = match?.[1];
  const region = match?.[2];
  if (
    !workspaceId ||
    !WORKSPACE_ID_PATTERN.test(workspaceId) ||
    (region !== undefined && regionProblem(region))
  ) {
    throw new InvalidInputError(
      `importing a resource policy: "${id}" is not an import ID; use the workspace ID (ws-…), ` +
        "or ws-…@REGION for a workspace in another region than the provider's",
    );
  }
  return region ? { workspaceId, region } : { workspaceId };
}
