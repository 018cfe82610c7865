/** schema.json against Pulumi's package metaschema, and its names against @pulumi/aws's aws.amp.ResourcePolicy. */
import { readFileSync } from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { expect } from "chai";
import ts from "typescript";
import { REPO_ROOT } from "./sdkPackage";

const METASCHEMA = path.join(REPO_ROOT, "tests", "fixtures", "pulumi-package-metaschema.json");

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, "utf8"));
}

/** A validator of Pulumi's metaschema; its `regex` and `uri-reference` formats are not checked. */
function metaschemaValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: false, logger: false });
  return ajv.compile(readJson(METASCHEMA));
}

/** The property names of an interface in @pulumi/aws's amp/resourcePolicy.d.ts. */
function awsResourcePolicyMembers(interfaceName: string): string[] {
  const file = require.resolve("@pulumi/aws/amp/resourcePolicy.d.ts");
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022);
  const declaration = source.statements.find(
    (statement): statement is ts.InterfaceDeclaration =>
      ts.isInterfaceDeclaration(statement) && statement.name.text === interfaceName,
  );
  if (!declaration) throw new Error(`@pulumi/aws has no ${interfaceName}`);
  return declaration.members.flatMap((member) =>
    member.name && ts.isIdentifier(member.name) ? [member.name.text] : [],
  );
}

describe("schema.json", () => {
  const schema = readJson(path.join(REPO_ROOT, "schema.json"));
  const resource = (schema.resources as Record<string, Record<string, Record<string, unknown>>>)[
    "awsamp:index:ResourcePolicy"
  ];

  it("satisfies Pulumi's package metaschema", () => {
    const validate = metaschemaValidator();
    expect(validate(schema), JSON.stringify(validate.errors, null, 2)).to.equal(true);
  });

  it("would fail the metaschema with a resource token that is not pkg:module:Name", () => {
    const validate = metaschemaValidator();
    const broken = { ...schema, resources: { "awsamp-ResourcePolicy": resource } };
    expect(validate(broken)).to.equal(false);
    expect(validate.errors?.map((error) => error.keyword)).to.include("pattern");
  });

  it("names the ResourcePolicy inputs it shares with @pulumi/aws's aws.amp.ResourcePolicy alike; acceptedWarnings is awsamp's own", () => {
    const awsInputs = awsResourcePolicyMembers("ResourcePolicyArgs");
    const ours = Object.keys(resource?.inputProperties ?? {});
    expect(ours.filter((name) => !awsInputs.includes(name))).to.deep.equal(["acceptedWarnings"]);
  });

  it("names the outputs it shares with aws.amp.ResourcePolicy alike; policyStatus is awsamp's own", () => {
    const awsState = awsResourcePolicyMembers("ResourcePolicyState");
    const ours = Object.keys(resource?.properties ?? {});
    expect(ours.filter((name) => !awsState.includes(name))).to.deep.equal(["policyStatus"]);
  });
});
