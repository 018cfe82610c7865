/** Provider configuration through the plugin: CheckConfig, DiffConfig, and Configure by variables, args or environment. */

import { ProviderConfiguration } from "@awsamp/plugin/providerConfig";
import { isSecret, secret, UNKNOWN } from "@awsamp/plugin/values";
import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import { AmpEmulator, EMULATOR_CREDENTIALS } from "../emulator/server";
import {
  changesOf,
  checkRequest,
  configureRequest,
  detailedDiffOf,
  diffRequest,
  PROVIDER_URN,
  propertiesOf,
  readRequest,
  rejectionOf,
  resourceUrn,
} from "../harness/messages";
import {
  emulatorConfigArgs,
  emulatorConfigVariables,
  type PluginSession,
  policyDocument,
  startSession,
} from "../harness/session";

describe("plugin configuration", function () {
  this.timeout(20_000);
  let emulator: AmpEmulator;
  let session: PluginSession;

  before(async () => {
    emulator = await AmpEmulator.start();
    session = await startSession();
  });
  after(async () => {
    await session.stop();
    await emulator.close();
  });
  beforeEach(() => emulator.reset());

  /** A policy someone else made, which an import Read can only find with working configuration. */
  function existingPolicy(): string {
    const workspace = emulator.createWorkspace();
    emulator.putPolicyOutOfBand(workspace.workspaceId, policyDocument(workspace.arn));
    return workspace.workspaceId;
  }

  async function importRead(workspaceId: string) {
    return session.plugin.read(readRequest({ urn: resourceUrn("configured"), id: workspaceId }));
  }

  describe("CheckConfig", () => {
    it("accepts a region, an endpoint and credentials, and returns the credentials secret", async () => {
      const news = {
        region: "eu-west-2",
        endpoint: "https://aps.eu-west-2.amazonaws.com",
        accessKey: "AKID",
        secretKey: "s",
      };
      const response = await session.plugin.checkConfig(checkRequest({ urn: PROVIDER_URN, news }));
      expect(response.getFailuresList()).to.deep.equal([]);
      const inputs = propertiesOf(response.getInputs());
      expect(inputs.region).to.equal("eu-west-2");
      expect(isSecret(inputs.accessKey)).to.equal(true);
      expect(isSecret(inputs.secretKey)).to.equal(true);
    });

    it("refuses a region not shaped like us-east-1 and an endpoint that is not a URL, on those properties", async () => {
      const news = { region: "Virginia", endpoint: "not a url" };
      const response = await session.plugin.checkConfig(checkRequest({ urn: PROVIDER_URN, news }));
      const failures = response.getFailuresList().map((f) => [f.getProperty(), f.getReason()]);
      expect(failures.map(([property]) => property)).to.deep.equal(["region", "endpoint"]);
      expect(failures[0]?.[1]).to.include("us-east-1");
      expect(failures[1]?.[1]).to.include("not a URL");
    });

    it("refuses an access key without its secret key", async () => {
      const news = { accessKey: secret("AKID") };
      const response = await session.plugin.checkConfig(checkRequest({ urn: PROVIDER_URN, news }));
      expect(response.getFailuresList().map((f) => f.getProperty())).to.deep.equal(["secretKey"]);
    });

    it("lets values not known yet through", async () => {
      const news = { region: UNKNOWN, endpoint: UNKNOWN, skipWorkspaceCheck: UNKNOWN };
      const response = await session.plugin.checkConfig(checkRequest({ urn: PROVIDER_URN, news }));
      expect(response.getFailuresList()).to.deep.equal([]);
    });

    // A program's Provider sends the boolean as JSON text, as generated SDKs send non-string settings.
    it("accepts skipWorkspaceCheck as a boolean or as the text true or false, and returns it as given", async () => {
      for (const skipWorkspaceCheck of [true, false, "true", "false"]) {
        const news = { skipWorkspaceCheck };
        const response = await session.plugin.checkConfig(checkRequest({ urn: PROVIDER_URN, news }));
        expect(response.getFailuresList(), String(skipWorkspaceCheck)).to.deep.equal([]);
        expect(propertiesOf(response.getInputs())).to.deep.equal(news);
      }
    });

    it("refuses a skipWorkspaceCheck that is neither true nor false, on that property", async () => {
      const failuresOf = async (skipWorkspaceCheck: string | number) => {
        const news = { skipWorkspaceCheck };
        const response = await session.plugin.checkConfig(checkRequest({ urn: PROVIDER_URN, news }));
        return response.getFailuresList().map((f) => [f.getProperty(), f.getReason()]);
      };
      expect(await failuresOf("yes")).to.deep.equal([
        ["skipWorkspaceCheck", 'skipWorkspaceCheck must be true or false, not "yes"'],
      ]);
      expect(await failuresOf(1)).to.deep.equal([
        ["skipWorkspaceCheck", "skipWorkspaceCheck must be a boolean, not a number"],
      ]);
    });
  });

  describe("DiffConfig", () => {
    it("reports no change for the same configuration", async () => {
      const config = { region: "us-east-1", accessKey: secret("A"), secretKey: secret("S") };
      const response = await session.plugin.diffConfig(
        diffRequest({ urn: PROVIDER_URN, id: "p", olds: config, news: config }),
      );
      expect(changesOf(response)).to.equal("DIFF_NONE");
    });

    it("reports a changed region as an update that replaces nothing", async () => {
      const response = await session.plugin.diffConfig(
        diffRequest({
          urn: PROVIDER_URN,
          id: "p",
          olds: { region: "us-east-1" },
          news: { region: "eu-west-1" },
        }),
      );
      expect(changesOf(response)).to.equal("DIFF_SOME");
      expect(detailedDiffOf(response)).to.deep.equal({ region: "UPDATE" });
      expect(response.getReplacesList()).to.deep.equal([]);
    });

    it("reports no change for the same skipWorkspaceCheck, as a boolean or as text", async () => {
      for (const [old, next] of [
        [true, true],
        ["true", "true"],
        [true, "true"],
      ] as const) {
        const response = await session.plugin.diffConfig(
          diffRequest({
            urn: PROVIDER_URN,
            id: "p",
            olds: { skipWorkspaceCheck: old },
            news: { skipWorkspaceCheck: next },
          }),
        );
        expect(changesOf(response), `${JSON.stringify(old)} to ${JSON.stringify(next)}`).to.equal(
          "DIFF_NONE",
        );
      }
    });

    it("reports skipWorkspaceCheck turned on as an update that replaces nothing", async () => {
      const response = await session.plugin.diffConfig(
        diffRequest({
          urn: PROVIDER_URN,
          id: "p",
          olds: { skipWorkspaceCheck: false },
          news: { skipWorkspaceCheck: true },
        }),
      );
      expect(detailedDiffOf(response)).to.deep.equal({ skipWorkspaceCheck: "UPDATE" });
      expect(response.getReplacesList()).to.deep.equal([]);
    });

    it("reports a value not known yet as a change", async () => {
      const response = await session.plugin.diffConfig(
        diffRequest({
          urn: PROVIDER_URN,
          id: "p",
          olds: { endpoint: "http://a" },
          news: { endpoint: UNKNOWN },
        }),
      );
      expect(changesOf(response)).to.equal("DIFF_SOME");
      expect(response.getDiffsList()).to.deep.equal(["endpoint"]);
    });
  });

  describe("Configure", () => {
    it("takes the configuration from the variables map", async () => {
      await session.plugin.configure(configureRequest({ variables: emulatorConfigVariables(emulator) }));
      const response = await importRead(existingPolicy());
      expect(propertiesOf(response.getProperties()).policyStatus).to.equal("ACTIVE");
    });

    it("takes the configuration from the args struct, secrets wrapped", async () => {
      await session.plugin.configure(configureRequest({ args: emulatorConfigArgs(emulator) }));
      const response = await importRead(existingPolicy());
      expect(propertiesOf(response.getProperties()).policyStatus).to.equal("ACTIVE");
    });

    it("prefers args over variables where both carry a key", async () => {
      const variables = {
        ...emulatorConfigVariables(emulator),
        "awsamp:config:endpoint": "http://127.0.0.1:9",
      };
      await session.plugin.configure(configureRequest({ variables, args: emulatorConfigArgs(emulator) }));
      const response = await importRead(existingPolicy());
      expect(response.getId()).to.match(/^ws-/);
    });

    it("takes skipWorkspaceCheck from the variables map too, after which Check looks at no workspace", async () => {
      const variables = { ...emulatorConfigVariables(emulator), "awsamp:config:skipWorkspaceCheck": "true" };
      await session.plugin.configure(configureRequest({ variables }));
      const missing = "ws-00000000-0000-4000-8000-00000000000a";
      const arn = emulator.createWorkspace().arn.replace(/ws-[0-9a-f-]+$/, missing);
      emulator.clearLog();
      const response = await session.plugin.check(
        checkRequest({
          urn: resourceUrn("unlooked"),
          news: { workspaceId: missing, policyDocument: policyDocument(arn) },
        }),
      );
      expect(response.getFailuresList()).to.deep.equal([]);
      expect(emulator.log.entries).to.deep.equal([]);
    });

    it("refuses a malformed region with INVALID_ARGUMENT", async () => {
      const error = await rejectionOf(
        session.plugin.configure(configureRequest({ args: { region: "nowhere" } })),
      );
      expect(error.code).to.equal(status.INVALID_ARGUMENT);
      expect(error.details).to.include("region");
    });

    it("refuses a skipWorkspaceCheck that is neither true nor false with INVALID_ARGUMENT", async () => {
      const error = await rejectionOf(
        session.plugin.configure(configureRequest({ args: { skipWorkspaceCheck: "sometimes" } })),
      );
      expect(error.code).to.equal(status.INVALID_ARGUMENT);
      expect(error.details).to.include('skipWorkspaceCheck must be true or false, not "sometimes"');
    });

    it("never puts a credential in an error or a log line", async () => {
      const secretKey = "do-not-show-this-secret";
      await session.plugin.configure(
        configureRequest({ args: { ...emulatorConfigArgs(emulator), secretKey: secret(secretKey) } }),
      );
      const error = await rejectionOf(importRead("ws-doesnotexist"));
      expect(error.details).to.not.include(secretKey);
      expect(error.details).to.not.include(EMULATOR_CREDENTIALS.accessKeyId);
      expect(session.engine.lines.map((line) => line.message).join("\n")).to.not.include(secretKey);
      expect(session.plugin.stderr).to.not.include(secretKey);
    });
  });
});

describe("plugin configuration from the AWS environment", function () {
  this.timeout(20_000);
  let emulator: AmpEmulator;
  let session: PluginSession;

  before(async () => {
    emulator = await AmpEmulator.start();
    session = await startSession({
      launch: {
        env: {
          AWS_ENDPOINT_URL_AMP: emulator.endpoint,
          AWS_REGION: emulator.region,
          AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
        },
      },
    });
  });
  after(async () => {
    await session.stop();
    await emulator.close();
  });

  it("falls back to AWS_ENDPOINT_URL_AMP, AWS_REGION and the credential chain when Configure gives nothing", async () => {
    await session.plugin.configure(configureRequest({ args: {} }));
    const workspace = emulator.createWorkspace();
    emulator.putPolicyOutOfBand(workspace.workspaceId, policyDocument(workspace.arn));
    const response = await session.plugin.read(
      readRequest({ urn: resourceUrn("env"), id: workspace.workspaceId }),
    );
    expect(response.getId()).to.equal(workspace.workspaceId);
    expect(emulator.count("DescribeResourcePolicy")).to.equal(1);
  });
});

describe("plugin configuration's AMP clients", () => {
  it("gives a resource that names the provider's own region the provider's client, not a second one", () => {
    // A second client would start knowing nothing of AMP's pace and rate limit (settleTimes, rateLimiter).
    const configuration = new ProviderConfiguration({ region: "eu-west-1", endpoint: "http://127.0.0.1:1" });
    try {
      const provider = configuration.clientFor();
      expect(configuration.clientFor("eu-west-1")).to.equal(provider);
      expect(configuration.clientFor("us-east-2")).to.not.equal(provider);
    } finally {
      configuration.destroy();
    }
  });
});
