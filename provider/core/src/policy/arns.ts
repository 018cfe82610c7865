/** What a principal or resource string in a policy may look like, and what it names. */
import { validate as looksLikeArn, parse as parseArn } from "@aws-sdk/util-arn-parser";

/** The partition every ARN lives in when nothing says otherwise. */
export const DEFAULT_PARTITION = "aws";

const PARTITION = /^aws(?:-[a-z]+)*$/;
const SERVICE = /^[a-z0-9][a-z0-9-]*$/;
const ACCOUNT_ID = /^\d{12}$/;
const IAM_NAME = "[\\w+=,.@-]+";
const IAM_PRINCIPAL_RESOURCE = new RegExp(
  `^(?:root|(?:user|role)(?:/${IAM_NAME})+|assumed-role/${IAM_NAME}/${IAM_NAME}|federated-user/${IAM_NAME})$`,
);
const STS_PRINCIPAL_RESOURCE = new RegExp(
  `^(?:assumed-role/${IAM_NAME}/${IAM_NAME}|federated-user/${IAM_NAME})$`,
);
const SERVICE_PRINCIPAL =
  /^[a-z0-9][a-z0-9.-]*\.(?:amazonaws\.com(?:\.cn)?|amazon\.com|api\.aws|c2s\.ic\.gov|sc2s\.sgov\.gov)$/;
const FEDERATED_DOMAIN = /^[a-z0-9][a-z0-9.-]*\.[a-z]{2,}$/i;
const FEDERATED_PROVIDER_RESOURCE = /^(?:saml-provider|oidc-provider)\/\S+$/;
const CANONICAL_USER = /^[0-9a-f]{64}$/i;
const WILDCARD = /[*?]/;

/** The parts of a well-formed ARN. */
export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

/** The workspace an `arn:PARTITION:aps:REGION:ACCOUNT:workspace/ID` names. */
export interface WorkspaceRef {
  partition: string;
  region: string;
  accountId: string;
  workspaceId: string;
}

/** True for a 12-digit AWS account ID. */
export function isAccountId(value: string): boolean {
  return ACCOUNT_ID.test(value);
}

/** True where a string has an IAM wildcard (`*` or `?`). */
export function hasWildcard(value: string): boolean {
  return WILDCARD.test(value);
}

/** The parts of an ARN, or undefined when the text is not a well-formed ARN. */
export function parseArnParts(text: string): ArnParts | undefined {
  if (!looksLikeArn(text)) return undefined;
  const parts = parseArn(text);
  const wellFormed = PARTITION.test(parts.partition) && SERVICE.test(parts.service) && parts.resource !== "";
  return wellFormed ? parts : undefined;
}

/** The partition of an ARN, or undefined when the text does not start like one; cheaper than parsing it. */
export function arnPartition(text: string): string | undefined {
  if (!text.startsWith("arn:")) return undefined;
  const end = text.indexOf(":", 4);
  const partition = end < 0 ? "" : text.slice(4, end);
  return PARTITION.test(partition) ? partition : undefined;
}

/** The workspace an ARN names, or undefined when it names something else. */
export function parseWorkspaceArn(text: string): WorkspaceRef | undefined {
  const parts = parseArnParts(text);
  if (parts?.service !== "aps" || !parts.resource.startsWith("workspace/")) return undefined;
  const workspaceId = parts.resource.slice("workspace/".length);
  if (workspaceId === "" || workspaceId.includes("/")) return undefined;
  return { partition: parts.partition, region: parts.region, accountId: parts.accountId, workspaceId };
}

/** The ARN IAM stores for a bare account ID principal. */
export function rootArn(accountId: string, partition = DEFAULT_PARTITION): string {
  return `arn:${partition}:iam::${accountId}:root`;
}

/** The account an AWS principal belongs to, or undefined for `"*"` and malformed ones. */
export function accountOfAwsPrincipal(value: string): string | undefined {
  if (isAccountId(value)) return value;
  const parts = parseArnParts(value);
  return parts && isAccountId(parts.accountId) ? parts.accountId : undefined;
}

/** Why a value is not an AWS principal, or undefined when it is one. */
export function awsPrincipalProblem(value: string): string | undefined {
  if (value === "*" || isAccountId(value)) return undefined;
  if (/^\d+$/.test(value)) {
    return `"${value}" is not an AWS account ID: account IDs have 12 digits (keep any leading zeros)`;
  }
  if (hasWildcard(value)) {
    return (
      `"${value}": an AWS principal cannot hold a wildcard; name each principal, ` +
      `or use "*" with a Condition on aws:PrincipalArn or aws:PrincipalAccount`
    );
  }
  if (isIamPrincipalArn(value)) return undefined;
  return (
    `"${value}" is not an AWS principal: use a 12-digit account ID, "*", or an IAM ARN such as ` +
    `arn:aws:iam::123456789012:root, arn:aws:iam::123456789012:role/NAME or ` +
    `arn:aws:sts::123456789012:assumed-role/ROLE/SESSION`
  );
}

function isIamPrincipalArn(value: string): boolean {
  const parts = parseArnParts(value);
  if (parts?.region !== "" || !isAccountId(parts.accountId)) return false;
  if (parts.service === "iam") return IAM_PRINCIPAL_RESOURCE.test(parts.resource);
  if (parts.service === "sts") return STS_PRINCIPAL_RESOURCE.test(parts.resource);
  return false;
}

/** Why a value is not a service principal, or undefined when it is one. */
export function servicePrincipalProblem(value: string): string | undefined {
  if (SERVICE_PRINCIPAL.test(value)) return undefined;
  return `"${value}" is not a service principal: use the service's domain, such as grafana.amazonaws.com`;
}

/** Why a value is not a federated principal, or undefined when it is one. */
export function federatedPrincipalProblem(value: string): string | undefined {
  const parts = parseArnParts(value);
  if (
    parts?.service === "iam" &&
    isAccountId(parts.accountId) &&
    FEDERATED_PROVIDER_RESOURCE.test(parts.resource)
  ) {
    return undefined;
  }
  if (!value.startsWith("arn:") && FEDERATED_DOMAIN.test(value)) return undefined;
  return (
    `"${value}" is not a federated principal: use an identity provider's ARN ` +
    `(arn:aws:iam::123456789012:saml-provider/NAME or …:oidc-provider/HOST) or its domain, such as ` +
    `cognito-identity.amazonaws.com`
  );
}

/** Why a value is not a canonical user ID, or undefined when it is one. */
export function canonicalUserProblem(value: string): string | undefined {
  if (CANONICAL_USER.test(value)) return undefined;
  return `"${value}" is not a canonical user ID: those are 64 hexadecimal digits`;
}
