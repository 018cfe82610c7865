/** @awsamp/dynamic stackConfig: the AMP client configuration the dynamic provider reads from the stack config. */

import { ampClientConfigFrom } from "@awsamp/dynamic/stackConfig";
import type * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";

/** Stack config as the dynamic provider's `configure` receives it: every key with its namespace. */
function stackConfig(values: Record<string, string>): pulumi.dynamic.Config {
  return {
    get: (key) => values[key],
    require: (key) => {
      const value = values[key];
      if (value === undefined) throw new Error(`missing ${key}`);
      return value;
    },
  };
}

describe("dynamic provider config", () => {
  it("reads region, profile, endpoint and static credentials from awsamp:* keys", () => {
    const config = ampClientConfigFrom(
      stackConfig({
        "awsamp:region": "eu-west-1",
        "awsamp:profile": "ops",
        "awsamp:endpoint": "http://127.0.0.1:4566",
        "awsamp:accessKey": "AKIAEXAMPLE",
        "awsamp:secretKey": "secret",
        "awsamp:token": "session",
      }),
    );

    expect(config).to.deep.equal({
      region: "eu-west-1",
      profile: "ops",
      endpoint: "http://127.0.0.1:4566",
      credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret", sessionToken: "session" },
    });
  });

  it("leaves what is unset, empty or in another namespace to the AWS environment", () => {
    const config = ampClientConfigFrom(stackConfig({ "aws:region": "us-west-2", "awsamp:profile": "" }));

    expect(config).to.deep.equal({});
  });

  it("refuses an access key without its secret key, naming the key to set", () => {
    expect(() => ampClientConfigFrom(stackConfig({ "awsamp:accessKey": "AKIAEXAMPLE" }))).to.throw(
      /awsamp:secretKey is not set while its partner is/,
    );
  });
});
