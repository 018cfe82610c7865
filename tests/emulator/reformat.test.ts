/** How the emulator rewrites a policy document when reformatting is on: new text, same meaning. */
import { expect } from "chai";
import { reformatPolicyDocument } from "./reformat";

describe("reformatPolicyDocument", () => {
  it("reverses every object's keys and indents with tabs", () => {
    const document = '{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow"}]}';
    expect(reformatPolicyDocument(document)).to.equal(
      '{\n\t"Statement": [\n\t\t{\n\t\t\t"Effect": "Allow",\n\t\t\t"Sid": "A"\n\t\t}\n\t],\n\t"Version": "2012-10-17"\n}',
    );
  });

  it("writes 12-digit account IDs among AWS principals as root ARNs, in Principal and NotPrincipal", () => {
    const document = JSON.stringify({
      Statement: [
        { Principal: { AWS: "111122223333" } },
        { NotPrincipal: { AWS: ["444455556666", "arn:aws:iam::777788889999:role/r", "*"] } },
      ],
    });
    expect(JSON.parse(reformatPolicyDocument(document)).Statement).to.deep.equal([
      { Principal: { AWS: "arn:aws:iam::111122223333:root" } },
      { NotPrincipal: { AWS: ["arn:aws:iam::444455556666:root", "arn:aws:iam::777788889999:role/r", "*"] } },
    ]);
  });

  it("keeps single-element arrays, service principals and a wildcard principal as they are", () => {
    const document = JSON.stringify({
      Statement: { Principal: { Service: ["111122223333"] }, Action: ["aps:RemoteWrite"], Condition: {} },
    });
    const wildcard = JSON.stringify({ Statement: [{ Principal: "*" }] });
    expect(JSON.parse(reformatPolicyDocument(document))).to.deep.equal(JSON.parse(document));
    expect(JSON.parse(reformatPolicyDocument(wildcard))).to.deep.equal(JSON.parse(wildcard));
  });

  it("uses the partition it is given", () => {
    const document = JSON.stringify({ Statement: [{ Principal: { AWS: "111122223333" } }] });
    expect(reformatPolicyDocument(document, "aws-cn")).to.include('"arn:aws-cn:iam::111122223333:root"');
  });

  it("refuses text that is not JSON", () => {
    expect(() => reformatPolicyDocument("{oops")).to.throw(SyntaxError);
  });
});
