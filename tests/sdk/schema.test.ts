/**
 * schema.json: the package's one description, which the plugin serves and codegen binds (`make sdk-check`
 * fails on a schema it refuses), and its names against @pulumi/aws's aws.amp.ResourcePolicy.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import ts from "typescript";
import { PLUGIN_BINARY } from "../harness/plugin";
import { findPulumiCli, requireCliOrSkip } from "../harness/pulumiCli";
import { REPO_ROOT } from "./sdkPackage";

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, "utf8"));
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

  it("is what the plugin serves to `pulumi package get-schema`", async function () {
    this.timeout(30_000);
    const cli = await findPulumiCli();
    requireCliOrSkip(this, cli);
    const home = await mkdtemp(path.join(tmpdir(), "awsamp-schema-"));
    try {
      const { stdout } = await promisify(execFile)(cli as string, ["package", "get-schema", PLUGIN_BINARY], {
        env: { ...process.env, PULUMI_HOME: home, PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true" },
        maxBuffer: 16 << 20,
      });
      expect(JSON.parse(stdout)).to.deep.equal(schema);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it("types policyDocument as JSON text or a PolicyDocument object, and its output as the JSON text", () => {
    expect(resource?.inputProperties?.policyDocument).to.deep.include({
      oneOf: [{ type: "string" }, { $ref: "#/types/awsamp:index:PolicyDocument" }],
    });
    expect(resource?.properties?.policyDocument).to.deep.include({ type: "string" });
  });

  it("names the ResourcePolicy inputs it shares with @pulumi/aws's aws.amp.ResourcePolicy alike; acceptedWarnings is awsamp's own", () => {
    const awsInputs = awsResourcePolicyMembers("ResourcePolicyArgs");
    const ours = Object.keys(resource?.inputProperties ?? {});
    expect(ours.filter((name) => !awsInputs.includes(name))).to.deep.equal(["acceptedWarnings"]);
  });

  it("names the outputs it shares with aws.amp.ResourcePolicy alike; policyStatus and access are awsamp's own", () => {
    const awsState = awsResourcePolicyMembers("ResourcePolicyState");
    const ours = Object.keys(resource?.properties ?? {});
    expect(ours.filter((name) => !awsState.includes(name))).to.deep.equal(["policyStatus", "access"]);
  });

  it("declares access an output only, always set: a map of each grant to its effect", () => {
    expect(resource?.properties?.access).to.deep.include({
      type: "object",
      additionalProperties: { type: "string" },
    });
    expect(resource?.required).to.include("access");
    expect(resource?.inputProperties ?? {}).to.not.have.property("access");
  });

  it("declares skipWorkspaceCheck a boolean, as a provider input and as stack config", () => {
    const provider = schema.provider as Record<string, Record<string, Record<string, unknown>>>;
    const config = schema.config as Record<string, Record<string, Record<string, unknown>>>;
    expect(provider?.inputProperties?.skipWorkspaceCheck).to.deep.include({ type: "boolean" });
    expect(config?.variables?.skipWorkspaceCheck).to.deep.include({ type: "boolean" });
  });
});
