/** @awsamp/core policy/arns: what a principal or resource string in a policy may look like, and what it names. */

import {
  accountOfAwsPrincipal,
  arnPartition,
  awsPrincipalProblem,
  canonicalUserProblem,
  DEFAULT_PARTITION,
  federatedPrincipalProblem,
  hasWildcard,
  isAccountId,
  parseArnParts,
  parseWorkspaceArn,
  rootArn,
  servicePrincipalProblem,
} from "@awsamp/core/policy/arns";
import { expect } from "chai";

const ACCOUNT = "123456789012";

describe("core policy/arns: ARNs and account IDs", () => {
  it("takes exactly 12 digits, leading zeros included, as an account ID", () => {
    expect(isAccountId(ACCOUNT)).to.equal(true);
    expect(isAccountId("012345678901")).to.equal(true);
    expect(["12345678901", "1234567890123", "12345678901a", ""].filter(isAccountId)).to.deep.equal([]);
  });

  it("finds IAM's wildcards, * and ?", () => {
    expect(["role/*", "role/a?c", "role/abc"].filter(hasWildcard)).to.deep.equal(["role/*", "role/a?c"]);
  });

  it("splits a well-formed ARN into its parts, colons in the resource kept", () => {
    expect(parseArnParts(`arn:aws:aps:us-east-1:${ACCOUNT}:workspace/ws-1`)).to.deep.equal({
      partition: "aws",
      service: "aps",
      region: "us-east-1",
      accountId: ACCOUNT,
      resource: "workspace/ws-1",
    });
    expect(parseArnParts("arn:aws:s3:::bucket/key:with:colons")).to.deep.include({
      region: "",
      accountId: "",
      resource: "bucket/key:with:colons",
    });
  });

  it("refuses text that is no ARN, an unknown partition, an upper-case service and an empty resource", () => {
    const texts = ["nope", "arn:gcp:iam::1:root", `arn:aws:IAM::${ACCOUNT}:root`, `arn:aws:iam::${ACCOUNT}:`];
    expect(texts.map(parseArnParts)).to.deep.equal([undefined, undefined, undefined, undefined]);
  });

  it("reads an ARN's partition without parsing the rest, and only a known partition", () => {
    expect(arnPartition("arn:aws-cn:anything")).to.equal("aws-cn");
    expect(arnPartition(`arn:aws-us-gov:iam::${ACCOUNT}:root`)).to.equal("aws-us-gov");
    expect(["arn:aws", "arn:gcp:x", "aws:x"].map(arnPartition)).to.deep.equal([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("names the workspace of an aps workspace ARN, in any partition, and nothing else", () => {
    expect(parseWorkspaceArn(`arn:aws-cn:aps:cn-north-1:${ACCOUNT}:workspace/ws-1`)).to.deep.equal({
      partition: "aws-cn",
      region: "cn-north-1",
      accountId: ACCOUNT,
      workspaceId: "ws-1",
    });
    for (const text of [
      `arn:aws:aps:us-east-1:${ACCOUNT}:workspace/`,
      `arn:aws:aps:us-east-1:${ACCOUNT}:workspace/ws-1/extra`,
      `arn:aws:aps:us-east-1:${ACCOUNT}:rulegroupsnamespace/ws-1/x`,
      `arn:aws:grafana:us-east-1:${ACCOUNT}:workspace/ws-1`,
    ]) {
      expect(parseWorkspaceArn(text), text).to.equal(undefined);
    }
  });

  it("writes an account's root ARN, in the aws partition unless told another", () => {
    expect(DEFAULT_PARTITION).to.equal("aws");
    expect(rootArn(ACCOUNT)).to.equal(`arn:aws:iam::${ACCOUNT}:root`);
    expect(rootArn(ACCOUNT, "aws-cn")).to.equal(`arn:aws-cn:iam::${ACCOUNT}:root`);
  });

  it("finds the account of an AWS principal given as an ID or an ARN, and none for * or an ARN without one", () => {
    expect(accountOfAwsPrincipal(ACCOUNT)).to.equal(ACCOUNT);
    expect(accountOfAwsPrincipal("arn:aws:iam::210987654321:role/x")).to.equal("210987654321");
    expect(accountOfAwsPrincipal("*")).to.equal(undefined);
    expect(accountOfAwsPrincipal("arn:aws:s3:::bucket")).to.equal(undefined);
  });
});

describe("core policy/arns: principals", () => {
  it("accepts as AWS principals *, an account ID, and IAM and STS principal ARNs", () => {
    for (const value of [
      "*",
      ACCOUNT,
      `arn:aws:iam::${ACCOUNT}:root`,
      `arn:aws:iam::${ACCOUNT}:user/x`,
      `arn:aws:iam::${ACCOUNT}:role/path/name`,
      `arn:aws-us-gov:sts::${ACCOUNT}:assumed-role/Role/session`,
      `arn:aws:sts::${ACCOUNT}:federated-user/bob`,
    ]) {
      expect(awsPrincipalProblem(value), value).to.equal(undefined);
    }
  });

  it("says an account ID of the wrong length needs 12 digits, leading zeros kept", () => {
    expect(awsPrincipalProblem("12345")).to.equal(
      '"12345" is not an AWS account ID: account IDs have 12 digits (keep any leading zeros)',
    );
  });

  it("says an AWS principal cannot hold a wildcard, and what to use instead", () => {
    const problem = awsPrincipalProblem("arn:aws:iam::*:root");
    expect(problem).to.match(/^"arn:aws:iam::\*:root": an AWS principal cannot hold a wildcard/);
    expect(problem).to.include("aws:PrincipalArn");
  });

  it("refuses ARNs that name no principal: a group, an STS role, a region, a short account, plain words", () => {
    for (const value of [
      `arn:aws:iam::${ACCOUNT}:group/g`,
      `arn:aws:sts::${ACCOUNT}:role/R`,
      `arn:aws:iam:us-east-1:${ACCOUNT}:root`,
      "arn:aws:iam::12345:root",
      "someone",
    ]) {
      expect(awsPrincipalProblem(value), value).to.equal(
        `"${value}" is not an AWS principal: use a 12-digit account ID, "*", or an IAM ARN such as ` +
          `arn:aws:iam::123456789012:root, arn:aws:iam::123456789012:role/NAME or ` +
          `arn:aws:sts::123456789012:assumed-role/ROLE/SESSION`,
      );
    }
  });

  it("accepts a service principal only as an AWS service's lower-case domain", () => {
    for (const value of ["grafana.amazonaws.com", "s3.amazonaws.com.cn", "ec2.amazon.com", "x.api.aws"]) {
      expect(servicePrincipalProblem(value), value).to.equal(undefined);
    }
    for (const value of ["Grafana.amazonaws.com", "grafana", "evil.example.com"]) {
      expect(servicePrincipalProblem(value), value).to.match(
        /is not a service principal: .*grafana\.amazonaws/,
      );
    }
  });

  it("accepts a federated principal as an IAM identity provider's ARN or a domain, and nothing else", () => {
    for (const value of [
      `arn:aws:iam::${ACCOUNT}:saml-provider/Okta`,
      `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
      "cognito-identity.amazonaws.com",
      "accounts.google.com",
    ]) {
      expect(federatedPrincipalProblem(value), value).to.equal(undefined);
    }
    for (const value of [
      `arn:aws:iam::${ACCOUNT}:role/x`,
      `arn:aws:sts::${ACCOUNT}:saml-provider/x`,
      "arn:foo.com",
    ]) {
      expect(federatedPrincipalProblem(value), value).to.include("is not a federated principal");
    }
  });

  it("accepts a canonical user ID as 64 hexadecimal digits of either case", () => {
    expect(canonicalUserProblem("a".repeat(64))).to.equal(undefined);
    expect(canonicalUserProblem("A".repeat(64))).to.equal(undefined);
    expect(canonicalUserProblem("a".repeat(63))).to.include("64 hexadecimal digits");
    expect(canonicalUserProblem("g".repeat(64))).to.include("is not a canonical user ID");
  });
});
