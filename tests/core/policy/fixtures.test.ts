/** The fixture corpus: real-world and tricky documents with the verdicts and equalities they must get. */

import { checkPolicyDocument, equivalent } from "@awsamp/core/policy";
import { expect } from "chai";
import { pathsOf, readFixture, readManifest } from "./documents";

const manifest = readManifest();

describe("policy fixtures", () => {
  for (const fixture of manifest.cases) {
    it(`${fixture.file} is ${fixture.valid ? "valid" : "invalid"}: ${fixture.about}`, () => {
      const verdict = checkPolicyDocument(readFixture(fixture.file), { workspaceArn: manifest.workspaceArn });
      expect(verdict.errors.length === 0, "valid").to.equal(fixture.valid);
      expect(pathsOf(verdict.errors, "error"), "error paths").to.deep.equal([...fixture.errors].sort());
      expect(pathsOf(verdict.warnings, "warning"), "warning paths").to.deep.equal(
        [...fixture.warnings].sort(),
      );
      expect(verdict.document === undefined).to.equal(!fixture.valid);
      if (fixture.messageIncludes) expect(verdict.errors[0].message).to.include(fixture.messageIncludes);
    });
  }

  for (const group of manifest.equivalent) {
    it(`${group.join(", ")} grant the same`, () => {
      for (const file of group.slice(1)) {
        expect(equivalent(readFixture(group[0]), readFixture(file)), file).to.equal(true);
      }
    });
  }

  for (const [a, b] of manifest.different) {
    it(`${a} and ${b} do not grant the same`, () => {
      expect(equivalent(readFixture(a), readFixture(b))).to.equal(false);
    });
  }
});
