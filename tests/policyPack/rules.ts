/** What the pack's rule specs share: documents checked as the pack checks them. */
import { checkPolicyDocument, type PolicyCheck, type PolicyDocument } from "@awsamp/core/policy";
import type { Violation } from "@awsamp/policy-pack/violation";
import { expect } from "chai";
import { documentText, type Json, WORKSPACE_ID } from "../core/policy/documents";

export const S0 = "$.Statement[0]";
export const ORG = "o-a1b2c3d4e5";
export const OTHER_ORG = "o-f6g7h8i9j0";
export const PARTNER_ACCOUNT = "444455556666";

/**
 * Check's verdict on a document of the statements (each given a Sid of its own), for the workspace of
 * tests/core/policy/documents.ts.
 */
export function checked(...statements: Json[]): PolicyCheck & { document: PolicyDocument } {
  const named = statements.map((s, i) =>
    typeof s === "object" && s && !Array.isArray(s) ? { ...s, Sid: `S${i}` } : s,
  );
  const check = checkPolicyDocument(documentText(...named), { workspaceId: WORKSPACE_ID });
  if (!check.document) throw new Error(`the test document is invalid: ${JSON.stringify(check.errors)}`);
  return { ...check, document: check.document };
}

/** `{ StringEquals: { "aws:PrincipalOrgID": org } }`. */
export function orgCondition(org: Json, operator = "StringEquals"): Json {
  return { [operator]: { "aws:PrincipalOrgID": org } };
}

/** A violation expected: at this JSON path, with a message like this. */
export type Expected = [path: string, reason: RegExp];

/** The violations found are the ones expected, in order. */
export function expectViolations(found: readonly Violation[], expected: readonly Expected[]): void {
  expect(found.map((v) => v.path)).to.deep.equal(expected.map(([path]) => path));
  for (const [i, [, reason]] of expected.entries()) expect(found[i]?.message).to.match(reason);
}
