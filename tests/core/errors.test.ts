/** @awsamp/core errors: each starts with what was being done, names the workspace, and says what to do. */
import {
  PartialWriteError,
  PolicyAlreadyExistsError,
  PolicyConflictError,
  WaitTimeoutError,
  WriteRefusedError,
} from "@awsamp/core/errors";
import { expect } from "chai";

const WORKSPACE = "ws-12345678-90ab-cdef-1234-567890abcdef";

describe("errors", () => {
  it("an existing policy: the import command, with the resource's name where it is known", () => {
    expect(new PolicyAlreadyExistsError(WORKSPACE, "grafana", undefined).message).to.include(
      `pulumi import awsamp:index:ResourcePolicy grafana ${WORKSPACE}`,
    );
    expect(new PolicyAlreadyExistsError(WORKSPACE, undefined).message).to.include(
      `pulumi import awsamp:index:ResourcePolicy <name> ${WORKSPACE}`,
    );
  });

  it("a conflict says the policy changed outside the program, the revisions, and to refresh", () => {
    const message = new PolicyConflictError("putting the resource policy", WORKSPACE, "r1", "r2").message;
    expect(message).to.match(
      new RegExp(
        `^putting the resource policy on workspace ${WORKSPACE}: the policy was changed outside this program`,
      ),
    );
    expect(message).to.include("the state has revision r1; AWS now holds revision r2");
    expect(message).to.include("pulumi refresh");
  });

  it("a refused write says AMP refused, what it saw, and never that the policy changed", () => {
    const cause = Object.assign(new Error("busy"), { name: "ConflictException" });
    const message = new WriteRefusedError(
      "putting the resource policy",
      WORKSPACE,
      5,
      "the policy was ACTIVE at revision r1",
      cause,
    ).message;
    expect(message).to.include("AMP refused the write 5 times with a conflict (ConflictException: busy)");
    expect(message).to.include("the policy was ACTIVE at revision r1");
    expect(message).to.not.include("changed outside");
  });

  it("a partial write carries the state that exists and says its reason's message", () => {
    const reason = new WaitTimeoutError(WORKSPACE, "ACTIVE", "CREATING", 2_000);
    const state = {
      workspaceId: WORKSPACE,
      policyDocument: "{}",
      policyStatus: "CREATING",
      revisionId: "r1",
    };
    const partial = new PartialWriteError(reason, state);
    expect(partial.message).to.equal(reason.message);
    expect(partial.message).to.include("still CREATING after 2.0s");
    expect(partial.state).to.equal(state);
    expect(partial.cause).to.equal(reason);
  });
});
