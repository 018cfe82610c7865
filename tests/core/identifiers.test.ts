/** @awsamp/core identifiers: what AWS regions, AMP workspace IDs and the import ID look like. */
import { InvalidInputError } from "@awsamp/core/errors";
import { parseImportId, regionProblem, WORKSPACE_ID_PATTERN } from "@awsamp/core/identifiers";
import { expect } from "chai";

const WORKSPACE = "ws-12345678-90ab-cdef-1234-567890abcdef";

describe("identifiers", () => {
  it("takes region names of every partition, and says what a region looks like otherwise", () => {
    for (const region of ["us-east-1", "eu-central-2", "us-gov-west-1", "cn-northwest-1"]) {
      expect(regionProblem(region), region).to.equal(undefined);
    }
    expect(regionProblem("US-EAST-1")).to.equal(
      '"US-EAST-1" is not an AWS region name; use one like us-east-1, or leave it out',
    );
    expect(regionProblem("useast1")).to.be.a("string");
  });

  it("takes workspace IDs as AMP issues them", () => {
    expect(WORKSPACE_ID_PATTERN.test(WORKSPACE)).to.equal(true);
    expect(WORKSPACE_ID_PATTERN.test("my-workspace")).to.equal(false);
    expect(WORKSPACE_ID_PATTERN.test(`ws-${"a".repeat(62)}`)).to.equal(false);
  });

  it("parses an import ID: the workspace ID, with @REGION for a workspace outside the provider's region", () => {
    expect(parseImportId(WORKSPACE)).to.deep.equal({ workspaceId: WORKSPACE });
    expect(parseImportId(`${WORKSPACE}@eu-west-1`)).to.deep.equal({
      workspaceId: WORKSPACE,
      region: "eu-west-1",
    });
  });

  it("refuses an import ID that is not one, saying what to give", () => {
    for (const id of ["my-policy", `${WORKSPACE}@nowhere`, "", "ws-@eu-west-1"]) {
      expect(() => parseImportId(id), id)
        .to.throw(InvalidInputError)
        .with.property("message")
        .that.includes("use the workspace ID (ws-…), or ws-…@REGION");
    }
  });
});
