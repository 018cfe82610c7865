/** Credentials never leave the plugin: not in engine log lines, stderr, stdout, gRPC errors, or returned state. */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { isSecret, type PropertyObject, secret } from "@awsamp/plugin/values";
import type { Metadata, ServiceError } from "@grpc/grpc-js";
import { expect } from "chai";
import { AmpEmulator } from "../emulator/server";
import { FakeEngine } from "../harness/engine";
import {
  checkRequest,
  configureRequest,
  createRequest,
  deleteRequest,
  diffRequest,
  initFailureOf,
  PROVIDER_URN,
  propertiesOf,
  readRequest,
  rejectionOf,
  resourceUrn,
  updateRequest,
} from "../harness/messages";
import { policyDocument } from "../harness/session";
import { launchWatchedPlugin, type WatchedPlugin } from "./watchedPlugin";

/** Distinct, unguessable credentials: any occurrence in an output is a leak, not a coincidence. */
const SECRETS = {
  environmentAccessKey: `AKIAENV${randomHex(13)}`,
  environmentSecretKey: `envSecret/${randomUUID()}`,
  environmentSessionToken: `envToken+${randomUUID()}`,
  configAccessKey: `AKIACFG${randomHex(13)}`,
  configSecretKey: `configSecret/${randomUUID()}`,
  configSessionToken: `configToken+${randomUUID()}`,
};

/** The provider's credentials in config, as the engine sends them: variables in clear, args as secrets. */
function credentialConfig(
  where: { endpoint: string; region: string },
  withKeys: boolean,
): {
  variables: Record<string, string>;
  args: PropertyObject;
} {
  const variables: Record<string, string> = {
    "awsamp:config:region": where.region,
    "awsamp:config:endpoint": where.endpoint,
  };
  const args: PropertyObject = { region: where.region, endpoint: where.endpoint };
  if (withKeys) {
    variables["awsamp:config:accessKey"] = SECRETS.configAccessKey;
    variables["awsamp:config:secretKey"] = SECRETS.configSecretKey;
    variables["awsamp:config:token"] = SECRETS.configSessionToken;
    args.accessKey = secret(SECRETS.configAccessKey);
    args.secretKey = secret(SECRETS.configSecretKey);
    args.token = secret(SECRETS.configSessionToken);
  }
  return { variables, args };
}

/** Every byte the plugin sent back, by where it came from, to search for credentials. */
class Transcript {
  private readonly entries: { label: string; bytes: Buffer }[] = [];

  response(label: string, message: { serializeBinary(): Uint8Array }): void {
    this.entries.push({ label, bytes: Buffer.from(message.serializeBinary()) });
  }

  failure(label: string, error: ServiceError): void {
    this.text(`${label}: message`, error.message);
    this.text(`${label}: details`, error.details);
    for (const [key, values] of Object.entries(metadataOf(error.metadata))) {
      for (const value of values) this.entries.push({ label: `${label}: metadata ${key}`, bytes: value });
    }
  }

  text(label: string, text: string): void {
    this.entries.push({ label, bytes: Buffer.from(text, "utf8") });
  }

  /** Where each credential appears: "label (secret name)". */
  leaks(): string[] {
    const found: string[] = [];
    for (const { label, bytes } of this.entries) {
      for (const [name, value] of Object.entries(SECRETS)) {
        if (bytes.includes(Buffer.from(value, "utf8"))) found.push(`${label} (${name})`);
      }
    }
    return found;
  }

  get size(): number {
    return this.entries.length;
  }
}

function metadataOf(metadata: Metadata): Record<string, Buffer[]> {
  const out: Record<string, Buffer[]> = {};
  for (const [key, value] of Object.entries(metadata.getMap())) {
    out[key] = [Buffer.isBuffer(value) ? value : Buffer.from(String(value), "utf8")];
  }
  return out;
}

/** An AMP endpoint that refuses every request as AWS does for a principal without permission. */
async function startForbiddingEndpoint(): Promise<{ endpoint: string; server: Server }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      const body = JSON.stringify({
        message:
          "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: aps:PutResourcePolicy",
      });
      response.writeHead(403, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        "x-amzn-errortype": "AccessDeniedException",
      });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Where the credentials come from: provider config (variables and args), or the plugin's environment. */
type CredentialSource = "config" | "environment";

/** One plugin with the credentials in its environment, its engine, and the emulator it is configured for. */
interface Rig {
  source: CredentialSource;
  emulator: AmpEmulator;
  engine: FakeEngine;
  watched: WatchedPlugin;
}

async function startRig(source: CredentialSource): Promise<Rig> {
  const emulator = await AmpEmulator.start({ settle: { policyCreateMs: 150, policyUpdateMs: 150 } });
  const engine = await FakeEngine.start();
  const watched = await launchWatchedPlugin({
    engineAddress: engine.address,
    env: {
      AWS_ACCESS_KEY_ID: SECRETS.environmentAccessKey,
      AWS_SECRET_ACCESS_KEY: SECRETS.environmentSecretKey,
      AWS_SESSION_TOKEN: SECRETS.environmentSessionToken,
    },
  });
  return { source, emulator, engine, watched };
}

describe("credentials through the plugin", function () {
  this.timeout(30_000);
  const urn = resourceUrn("guarded");
  let rigs: Rig[];
  let forbidding: { endpoint: string; server: Server };

  before(async () => {
    forbidding = await startForbiddingEndpoint();
    rigs = await Promise.all([startRig("config"), startRig("environment")]);
  });
  after(async () => {
    for (const { watched, engine, emulator } of rigs) {
      await watched.stop();
      await engine.stop();
      await emulator.close();
    }
    await new Promise<void>((resolve) => forbidding.server.close(() => resolve()));
  });

  it("leaks none of them, with the config's credentials or the environment's, through every operation, success and failure", async () => {
    const leaks = await Promise.all(rigs.map((rig) => leaksOf(rig)));
    expect(leaks.flat()).to.deep.equal([]);
  });

  it("returns the configured credentials from CheckConfig only as secrets", async () => {
    const [{ emulator, watched }] = rigs as [Rig];
    const { args } = credentialConfig(emulator, true);
    const plain = Object.fromEntries(
      Object.entries(args).map(([key, value]) => [key, isSecret(value) ? value.value : value]),
    ) as PropertyObject;
    const response = await watched.plugin.checkConfig(checkRequest({ urn: PROVIDER_URN, news: plain }));
    const inputs = propertiesOf(response.getInputs());

    for (const key of ["accessKey", "secretKey", "token"]) {
      expect(isSecret(inputs[key]), key).to.equal(true);
    }
  });

  /** Runs every operation on one rig, then searches all it sent back, logged and printed. */
  async function leaksOf(rig: Rig): Promise<string[]> {
    const transcript = new Transcript();
    await runEveryOperation(rig, transcript);
    for (const line of rig.engine.lines) transcript.text(`engine log (${line.severity})`, line.message);
    transcript.text("plugin stderr", rig.watched.plugin.stderr);
    const stdout = await rig.watched.stdout();
    expect(stdout.startsWith(`${rig.watched.plugin.firstLine}\n`), "stdout is captured").to.equal(true);
    transcript.text("plugin stdout", stdout);
    expect(rig.engine.lines.length, "the operations sent log lines to search").to.be.greaterThan(0);
    return transcript.leaks().map((leak) => `${rig.source} credentials: ${leak}`);
  }

  /**
   * Configure, Check, Diff, Create (success; conflict, 403, 500s, dropped connections, timeout), Read
   * (refresh, import), Update (success, conflict), Delete (success, failure), DiffConfig and a refused
   * Configure: every answer and every failure goes into the transcript.
   */
  async function runEveryOperation(
    { source, emulator, engine, watched }: Rig,
    transcript: Transcript,
  ): Promise<void> {
    const plugin = watched.plugin;
    const configKeys = source === "config";
    const config = credentialConfig(emulator, configKeys);
    const configure = async (where: { endpoint: string; region: string }) =>
      transcript.response(
        "Configure",
        await plugin.configure(configureRequest(credentialConfig(where, configKeys))),
      );
    const failing = async (label: string, call: Promise<unknown>) => {
      transcript.failure(label, await rejectionOf(call));
    };

    transcript.response(
      "DiffConfig",
      await plugin.diffConfig(
        diffRequest({
          urn: PROVIDER_URN,
          id: "",
          olds: credentialConfig(emulator, true).args,
          news: { ...config.args, region: "eu-west-1" },
        }),
      ),
    );
    await failing(
      "Configure (refused)",
      plugin.configure(configureRequest({ ...config, args: { ...config.args, region: "not a region" } })),
    );
    await configure(emulator);

    const { workspaceId, arn } = emulator.createWorkspace();
    const inputs = { workspaceId, policyDocument: policyDocument(arn) };
    const linted = policyDocument(arn, { principal: "*" });
    const refused = policyDocument(arn, { actions: ["aps:ListRules", "aps:*"] });
    transcript.response("Check", await plugin.check(checkRequest({ urn, news: inputs })));
    transcript.response(
      "Check (lint)",
      await plugin.check(checkRequest({ urn, news: { ...inputs, policyDocument: linted } })),
    );
    transcript.response(
      "Check (invalid)",
      await plugin.check(checkRequest({ urn, news: { workspaceId: 42, policyDocument: "{" } })),
    );
    transcript.response(
      "Check (refused actions)",
      await plugin.check(checkRequest({ urn, news: { ...inputs, policyDocument: refused } })),
    );
    const missing = `ws-${randomUUID()}`;
    transcript.response(
      "Check (workspace missing)",
      await plugin.check(checkRequest({ urn, news: { ...inputs, workspaceId: missing } })),
    );

    const created = await plugin.create(createRequest({ urn, properties: inputs }));
    transcript.response("Create", created);
    const outputs = propertiesOf(created.getProperties());
    transcript.response(
      "Diff",
      await plugin.diff(
        diffRequest({ urn, id: workspaceId, olds: outputs, news: { ...inputs, policyDocument: linted } }),
      ),
    );
    transcript.response(
      "Read (refresh)",
      await plugin.read(readRequest({ urn, id: workspaceId, properties: outputs, inputs })),
    );
    transcript.response("Read (import)", await plugin.read(readRequest({ urn, id: workspaceId })));
    const news = { workspaceId, policyDocument: policyDocument(arn, { actions: ["aps:QueryMetrics"] }) };
    const updated = await plugin.update(
      updateRequest({ urn, id: workspaceId, olds: outputs, news, oldInputs: inputs }),
    );
    transcript.response("Update", updated);
    await failing(
      "Update (conflict)",
      plugin.update(updateRequest({ urn, id: workspaceId, olds: outputs, news, oldInputs: inputs })),
    );

    await failing("Create (policy exists)", plugin.create(createRequest({ urn, properties: inputs })));
    const other = emulator.createWorkspace();
    const otherInputs = { workspaceId: other.workspaceId, policyDocument: policyDocument(other.arn) };
    // As many failures as the client makes attempts, so the SDK gives up and the core reports the error.
    emulator.faults.failNext(6, { operation: "PutResourcePolicy" });
    await failing("Create (500s)", plugin.create(createRequest({ urn, properties: otherInputs })));
    emulator.faults.dropNext(6, { operation: "PutResourcePolicy" });
    await failing(
      "Create (dropped connections)",
      plugin.create(createRequest({ urn, properties: otherInputs })),
    );
    await configure({ endpoint: forbidding.endpoint, region: emulator.region });
    await failing("Create (403)", plugin.create(createRequest({ urn, properties: otherInputs })));
    // A look at the workspace refused: its error becomes a warning line to the engine.
    const unseen = `ws-${randomUUID()}`;
    transcript.response(
      "Check (workspace look refused, 403)",
      await plugin.check(checkRequest({ urn, news: { ...otherInputs, workspaceId: unseen } })),
    );
    expect(
      engine.lines.filter((line) => line.message.includes(`could not check that workspace ${unseen}`)),
      "the refused look's warning, to search",
    ).to.have.length(1);
    await configure(emulator);
    emulator.settle.policyCreateMs = 30_000;
    const timedOut = await rejectionOf(
      plugin.create(createRequest({ urn, properties: otherInputs, timeout: 1 })),
    );
    expect(initFailureOf(timedOut), "the timeout hands back state to search").to.not.equal(undefined);
    transcript.failure("Create (timeout)", timedOut);

    const state = propertiesOf(updated.getProperties());
    emulator.faults.dropNext(6, { operation: "DeleteResourcePolicy" });
    await failing(
      "Delete (dropped connections)",
      plugin.delete(deleteRequest({ urn, id: workspaceId, properties: state })),
    );
    await plugin.delete(deleteRequest({ urn, id: workspaceId, properties: state }));
    expect(emulator.policyOf(workspaceId), "the operations really ran").to.equal(undefined);
    expect(transcript.size).to.be.greaterThan(20);
  }
});

function randomHex(length: number): string {
  return randomUUID().replaceAll("-", "").slice(0, length).toUpperCase();
}
