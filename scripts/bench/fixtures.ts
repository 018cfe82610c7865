/** Policy documents as programs write them, for the benchmarks that apply or preview many resources. */
import { PROMETHEUS_COMPATIBLE_ACTIONS } from "@awsamp/core/policy";

/** The account that owns the workspaces in every benchmark. */
export const OWNER_ACCOUNT = "123456789012";

/** A partner account that a changed document lets write. */
const PARTNER_ACCOUNT = "210987654321";

/** The ARN of a workspace in the owner account. */
export function workspaceArnOf(workspaceId: string, region = "us-east-1"): string {
  return `arn:aws:aps:${region}:${OWNER_ACCOUNT}:workspace/${workspaceId}`;
}

/**
 * A typical policy: the team's role may write and query, and Amazon Managed Grafana may query on behalf of
 * the owner account. `withPartner` adds a statement letting a partner account remote-write, as a change
 * to the program would.
 */
export function realisticPolicy(workspaceArn: string, options: { withPartner?: boolean } = {}): string {
  const statements: Record<string, unknown>[] = [
    {
      Sid: "ObservabilityTeam",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${OWNER_ACCOUNT}:role/observability` },
      Action: PROMETHEUS_COMPATIBLE_ACTIONS,
      Resource: workspaceArn,
    },
    {
      Sid: "ManagedGrafanaRead",
      Effect: "Allow",
      Principal: { Service: "grafana.amazonaws.com" },
      Action: PROMETHEUS_COMPATIBLE_ACTIONS.slice(1),
      Resource: workspaceArn,
      Condition: { StringEquals: { "aws:SourceAccount": OWNER_ACCOUNT } },
    },
  ];
  if (options.withPartner) {
    statements.push({
      Sid: "PartnerRemoteWrite",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${PARTNER_ACCOUNT}:root` },
      Action: "aps:RemoteWrite",
      Resource: workspaceArn,
    });
  }
  return JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2);
}
