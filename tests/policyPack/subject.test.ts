/** subjectOf: the document and workspace a resource's inputs declare, of each type the pack checks. */
import { isResourceType, RESOURCE_TYPES, subjectOf } from "@awsamp/policy-pack/subject";
import { expect } from "chai";
import { documentText, statement, WORKSPACE_ID } from "../core/policy/documents";

describe("policy pack: subjectOf", () => {
  it("checks awsamp's resource types (the plugin's, the dynamic provider's) and @pulumi/aws's, and no other", () => {
    expect(RESOURCE_TYPES).to.deep.equal([
      "awsamp:index:ResourcePolicy",
      "pulumi-nodejs:dynamic/awsamp:ResourcePolicy",
      "aws:amp/resourcePolicy:ResourcePolicy",
    ]);
    expect(RESOURCE_TYPES.every(isResourceType)).to.equal(true);
    expect(isResourceType("aws:s3/bucketPolicy:BucketPolicy")).to.equal(false);
    expect(isResourceType("pulumi-nodejs:dynamic:Resource"), "another dynamic resource").to.equal(false);
  });

  it("reads a document given as JSON text as it is", () => {
    const text = documentText(statement());
    const subject = subjectOf({ workspaceId: WORKSPACE_ID, policyDocument: text });
    expect(subject).to.include({ known: true, text, workspaceId: WORKSPACE_ID });
    expect(subject.known && subject.check.errors).to.deep.equal([]);
  });

  it("reads a document given as an object as the JSON text awsamp's Check makes of it", () => {
    const object = { Statement: [statement()], Version: "2012-10-17" };
    const subject = subjectOf({ workspaceId: WORKSPACE_ID, policyDocument: object });
    expect(subject.known && JSON.parse(subject.text)).to.deep.equal(object);
    expect(subject.known && subject.text.startsWith('{"Version"'), "IAM's key order").to.equal(true);
  });

  it("hands a document that is neither to Check, which refuses it", () => {
    const subject = subjectOf({ workspaceId: WORKSPACE_ID, policyDocument: 42 });
    expect(subject.known && subject.check.errors.length).to.be.greaterThan(0);
  });

  it("checks a document without a workspace ID, all but the workspace it names", () => {
    const subject = subjectOf({ policyDocument: documentText(statement()) });
    expect(subject).to.include({ known: true, workspaceId: undefined });
  });
});
