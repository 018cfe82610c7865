/** The plugin as the engine launches and first talks to it: port line, launcher, start-up cost, plugin-wide RPCs. */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { engineAddressFrom } from "@awsamp/engine/engineLog";
import { status } from "@grpc/grpc-js";
import { GetSchemaRequest } from "@pulumi/pulumi/proto/provider_pb";
import { expect } from "chai";
import { checkRequest, configureRequest, rejectionOf } from "../harness/messages";
import { PLUGIN_BINARY, PluginProcess, REPO_ROOT } from "../harness/plugin";
import { type PluginSession, startSession } from "../harness/session";

const run = promisify(execFile);

/** Generous for 2 busy cores: the plugin answers in a few hundred milliseconds when idle. */
const FIRST_RPC_BUDGET_MS = 3000;

describe("plugin launch", function () {
  this.timeout(20_000);
  let plugin: PluginProcess;
  let firstAnswerMs: number;

  before(async () => {
    const started = performance.now();
    plugin = await PluginProcess.launch();
    await plugin.getPluginInfo();
    firstAnswerMs = performance.now() - started;
  });
  after(async () => {
    await plugin.stop();
  });

  it("reads the engine address as the first argument that is not a logging or tracing flag", () => {
    expect(engineAddressFrom(["127.0.0.1:1234"])).to.equal("127.0.0.1:1234");
    expect(engineAddressFrom(["--logtostderr", "-v=9", "--tracing", "http://t", "127.0.0.1:5"])).to.equal(
      "127.0.0.1:5",
    );
    expect(engineAddressFrom(["--logflow", "--logtostderr"])).to.equal(undefined);
    expect(engineAddressFrom([])).to.equal(undefined);
  });

  it("prints the port alone as its first stdout line, and serves on it", () => {
    expect(plugin.firstLine).to.match(/^\d+$/);
    expect(plugin.port).to.be.above(0);
  });

  it("answers its first RPC soon after spawn", () => {
    expect(firstAnswerMs, `spawn to first answered RPC: ${firstAnswerMs.toFixed(0)} ms`).to.be.below(
      FIRST_RPC_BUDGET_MS,
    );
  });

  it("runs through a symlink, from another working directory", async () => {
    const elsewhere = await mkdtemp(path.join(tmpdir(), "awsamp-launch-"));
    try {
      const link = path.join(elsewhere, "pulumi-resource-awsamp");
      await symlink(PLUGIN_BINARY, link);
      const linked = await PluginProcess.launch({ command: link, cwd: elsewhere });
      try {
        expect((await linked.getPluginInfo()).getVersion()).to.not.equal("");
      } finally {
        await linked.stop();
      }
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it("starts without loading the AWS SDK or the @pulumi/pulumi runtime", async () => {
    const server = path.join(REPO_ROOT, "provider", "plugin", "bin", "server.js");
    const script = `
      require(${JSON.stringify(server)}).startPluginServer().then(async (s) => {
        const loaded = Object.keys(require.cache);
        await s.stop();
        process.stdout.write(JSON.stringify(loaded));
      });`;
    const { stdout } = await run(process.execPath, ["-e", script], { cwd: REPO_ROOT });
    const loaded: string[] = JSON.parse(stdout);
    expect(loaded.filter((file) => file.includes(`${path.sep}@aws-sdk${path.sep}`))).to.deep.equal([]);
    expect(
      loaded.filter((file) => /@pulumi[/\\]pulumi[/\\](index|runtime|provider)[/\\.]/.test(file)),
    ).to.deep.equal([]);
    expect(loaded.some((file) => file.endsWith(path.join("proto", "provider_pb.js")))).to.equal(true);
  });
});

describe("plugin-wide RPCs", function () {
  this.timeout(20_000);
  let session: PluginSession;

  before(async () => {
    session = await startSession();
  });
  after(async () => {
    await session.stop();
  });

  it("reports the version in package.json", async () => {
    const { version } = JSON.parse(await readFile(path.join(REPO_ROOT, "package.json"), "utf8"));
    expect((await session.plugin.getPluginInfo()).getVersion()).to.equal(version);
  });

  it("serves schema.json as its schema", async () => {
    const schema = JSON.parse(await readFile(path.join(REPO_ROOT, "schema.json"), "utf8"));
    const served = JSON.parse((await session.plugin.getSchema()).getSchema());
    expect(served).to.deep.equal(schema);
    expect(served.resources).to.have.property("awsamp:index:ResourcePolicy");
  });

  it("refuses a schema request for a subpackage it does not have", async () => {
    const error = await rejectionOf(
      session.plugin.getSchema(new GetSchemaRequest().setSubpackageName("other")),
    );
    expect(error.code).to.equal(status.INVALID_ARGUMENT);
  });

  it("accepts secrets in Handshake and supports preview in Configure", async () => {
    const handshake = await session.plugin.handshake(session.engine.address);
    expect(handshake.getAcceptSecrets()).to.equal(true);
    expect(handshake.getAcceptResources()).to.equal(false);
    const configured = await session.plugin.configure(configureRequest({ args: { region: "us-east-1" } }));
    expect(configured.getSupportspreview()).to.equal(true);
    expect(configured.getAcceptsecrets()).to.equal(true);
    expect(configured.getAcceptoutputs()).to.equal(false);
  });

  it("answers GetMapping and GetMappings with no mapping", async () => {
    const mapping = await session.plugin.getMapping("terraform");
    expect(mapping.getProvider()).to.equal("");
    expect(mapping.getData_asU8()).to.have.length(0);
    expect((await session.plugin.getMappings("terraform")).getProvidersList()).to.deep.equal([]);
  });

  it("refuses a resource type it does not have", async () => {
    const urn = "urn:pulumi:test::awsamp-test::awsamp:index:Other::x";
    const error = await rejectionOf(session.plugin.check(checkRequest({ urn, news: {} })));
    expect(error.code).to.equal(status.INVALID_ARGUMENT);
    expect(error.details).to.include("awsamp:index:ResourcePolicy");
  });
});
