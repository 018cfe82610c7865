/** The example programs: projects a user could run, which type-check against the SDK and register what they say. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, use } from "chai";
import chaiAsPromised from "chai-as-promised";
import ts from "typescript";
import {
  ACCOUNT_ID,
  loadProgram,
  onlyOfType,
  type ProgramRun,
  policyDocumentOf,
  type RunOptions,
  runProgram,
  workspaceArnFor,
  workspaceIdFor,
} from "../sdk/programMocks";
import { REPO_ROOT, SCHEMA_VERSION } from "../sdk/sdkPackage";

use(chaiAsPromised);

const EXAMPLES = path.join(REPO_ROOT, "examples");
const PLUGIN_TOKEN = "awsamp:index:ResourcePolicy";
const DYNAMIC_TOKEN = "pulumi-nodejs:dynamic/awsamp:ResourcePolicy";
const ALL_ACTIONS = [
  "aps:RemoteWrite",
  "aps:QueryMetrics",
  "aps:GetSeries",
  "aps:GetLabels",
  "aps:GetMetricMetadata",
];
const QUERY_ACTIONS = ["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"];

/** The TypeScript examples; examples/python and examples/go have suites of their own (tests/python, examples/go). */
const exampleNames = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(path.join(EXAMPLES, entry.name, "index.ts")))
  .map((entry) => entry.name)
  .sort();

function readExample(name: string, file: string): string {
  return readFileSync(path.join(EXAMPLES, name, file), "utf8");
}

/** The project name in an example's Pulumi.yaml, which namespaces its stack config. */
function projectOf(name: string): string {
  const project = /^name:\s*(\S+)\s*$/m.exec(readExample(name, "Pulumi.yaml"))?.[1];
  if (!project) throw new Error(`examples/${name}/Pulumi.yaml has no name`);
  return project;
}

/** Runs an example's compiled program (build/examples/NAME/index.js) under the mocks, as its project. */
function runExample(name: string, options: RunOptions = {}): Promise<ProgramRun> {
  const program = path.join(REPO_ROOT, "build", "examples", name, "index.js");
  return runProgram(() => loadProgram(program), { project: projectOf(name), ...options });
}

/** The policy statement a getPolicyDocument-built example sends: one statement, as iam.getPolicyDocument writes it. */
function expectedDocument(
  principal: Record<string, string>,
  actions: string[],
  workspaceName: string,
): string {
  const statements = [
    {
      effect: "Allow",
      principals: Object.entries(principal).map(([type, identifier]) => ({
        type,
        identifiers: [identifier],
      })),
      actions,
      resources: [workspaceArnFor(workspaceIdFor(workspaceName))],
    },
  ];
  return JSON.stringify(policyDocumentOf(statements), null, 2);
}

describe("examples", () => {
  it("are Pulumi TypeScript projects depending on the SDK in this repository", () => {
    const root = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
    expect(exampleNames).to.include.members([
      "basic",
      "cross-account",
      "demo",
      "dynamic",
      "import",
      "service-access",
    ]);
    for (const name of exampleNames) {
      expect(readExample(name, "Pulumi.yaml"), name).to.match(/^runtime: nodejs$/m);
      // The dynamic provider has a package of its own, which names no plugin; the others use the SDK.
      const ours =
        name === "dynamic"
          ? { "@awsamp/dynamic": "file:../../provider/dynamic" }
          : { "@awsamp/awsamp": "file:../../sdk/nodejs" };
      const [[packageName]] = Object.entries(ours);
      expect(readExample(name, "index.ts"), name).to.match(
        new RegExp(`import \\* as \\w+ from "${packageName}";`),
      );
      const manifest = JSON.parse(readExample(name, "package.json"));
      const usesAws = readExample(name, "index.ts").includes('from "@pulumi/aws"');
      expect(manifest.dependencies, name).to.deep.equal({
        ...ours,
        ...(usesAws ? { "@pulumi/aws": root.devDependencies["@pulumi/aws"] } : {}),
        "@pulumi/pulumi": root.dependencies["@pulumi/pulumi"],
      });
    }
  });

  it("tell Pulumi where the awsamp plugin is, except the dynamic one, which needs none", () => {
    for (const name of exampleNames) {
      const names = /^ {4}- name: awsamp\n {6}path: \.\.\/\.\.\/bin$/m.test(readExample(name, "Pulumi.yaml"));
      expect(names, name).to.equal(name !== "dynamic");
    }
  });

  it("type-check against the SDK with their own tsconfig.json", function () {
    // One program per set of compiler options; @pulumi/aws's declarations take seconds to load.
    this.timeout(30_000);
    const byOptions = new Map<string, { options: ts.CompilerOptions; roots: string[] }>();
    for (const name of exampleNames) {
      const directory = path.join(EXAMPLES, name);
      const json = ts.parseConfigFileTextToJson("tsconfig.json", readExample(name, "tsconfig.json")).config;
      const parsed = ts.parseJsonConfigFileContent(json, ts.sys, directory);
      // Nothing is emitted, so where output would go does not keep examples with the same options apart.
      const { outDir: _outDir, ...options } = parsed.options;
      const key = JSON.stringify(options);
      const group = byOptions.get(key) ?? { options: { ...options, noEmit: true }, roots: [] };
      group.roots.push(...parsed.fileNames);
      byOptions.set(key, group);
    }
    for (const { options, roots } of byOptions.values()) {
      const diagnostics = ts.getPreEmitDiagnostics(ts.createProgram(roots, options));
      const messages = diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      expect(messages).to.deep.equal([]);
    }
  });
});

describe("examples/basic", () => {
  it("lets the caller's own account write and query the workspace it creates", async () => {
    const run = await runExample("basic");

    const workspace = onlyOfType(run, "aws:amp/workspace:Workspace");
    expect(workspace.inputs).to.deep.equal({ alias: "example-workspace" });
    const policy = onlyOfType(run, PLUGIN_TOKEN);
    expect(policy.name).to.equal("example");
    expect(policy.version).to.equal(SCHEMA_VERSION);
    expect(policy.inputs).to.deep.equal({
      workspaceId: workspaceIdFor("example"),
      policyDocument: expectedDocument({ AWS: ACCOUNT_ID }, ALL_ACTIONS, "example"),
    });
    expect(run.calls.map((call) => call.token)).to.have.members([
      "aws:index/getCallerIdentity:getCallerIdentity",
      "aws:iam/getPolicyDocument:getPolicyDocument",
    ]);
    expect(run.outputs).to.deep.equal({ workspaceId: workspaceIdFor("example"), policyRevision: "rev-1" });
  });
});

describe("examples/cross-account", () => {
  it("lets account 123456789012 write and query, as Terraform's example does", async () => {
    const run = await runExample("cross-account");

    expect(onlyOfType(run, PLUGIN_TOKEN).inputs.policyDocument).to.equal(
      expectedDocument(
        { AWS: "arn:aws:iam::123456789012:root" },
        ["aps:RemoteWrite", "aps:QueryMetrics"],
        "example",
      ),
    );
  });

  it("accepts the KMS-grant reminder, which a workspace on AWS's own key does not need", async () => {
    const run = await runExample("cross-account");
    expect(onlyOfType(run, PLUGIN_TOKEN).inputs.acceptedWarnings).to.deep.equal(["cross-account-kms"]);
  });

  it("takes the trusted account from the stack config", async () => {
    const run = await runExample("cross-account", {
      config: { "awsamp-cross-account:trustedAccountId": "444455556666" },
    });

    expect(onlyOfType(run, PLUGIN_TOKEN).inputs.policyDocument).to.include(
      '"AWS": "arn:aws:iam::444455556666:root"',
    );
  });
});

describe("examples/service-access", () => {
  it("lets Amazon Managed Grafana query the workspace and nothing more", async () => {
    const run = await runExample("service-access");

    expect(onlyOfType(run, PLUGIN_TOKEN).inputs).to.deep.equal({
      workspaceId: workspaceIdFor("example"),
      policyDocument: expectedDocument({ Service: "grafana.amazonaws.com" }, QUERY_ACTIONS, "example"),
    });
  });
});

describe("examples/typed-document", () => {
  it("sends the typed document, with the account and workspace ARN resolved, for the plugin to turn into JSON", async () => {
    const run = await runExample("typed-document");

    const arn = workspaceArnFor(workspaceIdFor("example"));
    const expected = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "OwnAccountWritesAndQueries",
          Effect: "Allow",
          Principal: { AWS: [`arn:aws:iam::${ACCOUNT_ID}:root`] },
          Action: ALL_ACTIONS,
          Resource: [arn],
        },
        {
          Sid: "GrafanaQueries",
          Effect: "Allow",
          Principal: { Service: ["grafana.amazonaws.com"] },
          Action: QUERY_ACTIONS,
          Resource: [arn],
        },
      ],
    };
    const policy = onlyOfType(run, PLUGIN_TOKEN);
    expect(policy.inputs.policyDocument).to.deep.equal(expected);
  });
});

describe("examples/import", () => {
  const workspaceId = "ws-0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";

  it("adopts the policy of the configured workspace with the import option", async () => {
    const run = await runExample("import", { config: { "awsamp-import:workspaceId": workspaceId } });

    const policy = onlyOfType(run, PLUGIN_TOKEN);
    expect(policy.id).to.equal(workspaceId);
    expect(policy.inputs.workspaceId).to.equal(workspaceId);
    expect(JSON.parse(String(policy.inputs.policyDocument)).Statement[0].Resource).to.equal(
      workspaceArnFor(workspaceId),
    );
    expect(run.calls.find((call) => call.token === "aws:amp/getWorkspace:getWorkspace")?.args).to.deep.equal({
      workspaceId,
    });
  });

  it("needs the workspace ID in the stack config", async () => {
    await expect(runExample("import")).to.be.rejectedWith("awsamp-import:workspaceId");
  });
});

describe("examples/dynamic", () => {
  it("registers the basic policy as a dynamic resource, whose serialized provider loads @awsamp/dynamic by name", async () => {
    const run = await runExample("dynamic");

    const policy = onlyOfType(run, DYNAMIC_TOKEN);
    const { __provider: provider, ...inputs } = policy.inputs;
    expect(inputs).to.deep.equal({
      workspaceId: workspaceIdFor("example"),
      policyDocument: expectedDocument({ AWS: ACCOUNT_ID }, ALL_ACTIONS, "example"),
    });
    expect(provider).to.be.a("string").and.include('DYNAMIC_PACKAGE: "@awsamp/dynamic"');
    expect(provider).not.to.match(/AmpClient|createAmpClient|@aws-sdk/);
    expect(run.resources.some((resource) => resource.type === PLUGIN_TOKEN)).to.equal(false);
  });
});

describe("examples/demo", () => {
  it("declares examples/basic's policy on the workspace the stack config names, and the edit's grant when asked", async () => {
    const project = projectOf("demo");
    const workspaceId = workspaceIdFor("demo");
    const config = {
      [`${project}:workspaceId`]: workspaceId,
      [`${project}:workspaceArn`]: workspaceArnFor(workspaceId),
      [`${project}:accountId`]: ACCOUNT_ID,
    };
    const basic = onlyOfType(await runExample("demo", { config }), PLUGIN_TOKEN);
    const edited = onlyOfType(
      await runExample("demo", {
        config: { ...config, [`${project}:monitoringAccount`]: "arn:aws:iam::210987654321:root" },
      }),
      PLUGIN_TOKEN,
    );

    const statement = {
      Effect: "Allow",
      Principal: { AWS: [ACCOUNT_ID] },
      Action: ALL_ACTIONS,
      Resource: [workspaceArnFor(workspaceId)],
    };
    expect(basic.inputs.workspaceId).to.equal(workspaceId);
    expect(basic.inputs.policyDocument).to.deep.equal({
      Version: "2012-10-17",
      Statement: [statement],
    });
    expect((edited.inputs.policyDocument as { Statement: unknown }).Statement).to.deep.equal([
      statement,
      {
        Effect: "Allow",
        Principal: { AWS: ["arn:aws:iam::210987654321:root"] },
        Action: ["aps:QueryMetrics"],
        Resource: [workspaceArnFor(workspaceId)],
      },
    ]);
  });
});
