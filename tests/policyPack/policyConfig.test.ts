/** The pack's config: defaults under the config file's values, and schemas that state the same defaults. */
import { PROMETHEUS_COMPATIBLE_ACTIONS } from "@awsamp/core/policy";
import {
  ALLOWED_PRINCIPALS_DEFAULTS,
  ALLOWED_PRINCIPALS_SCHEMA,
  PROMETHEUS_ACTIONS_DEFAULTS,
  PROMETHEUS_ACTIONS_SCHEMA,
  withDefaults,
} from "@awsamp/policy-pack/policyConfig";
import { expect } from "chai";

describe("policy pack: config", () => {
  it("takes the file's values over the defaults, and the defaults where the file says nothing", () => {
    expect(withDefaults(ALLOWED_PRINCIPALS_DEFAULTS, { accounts: ["123456789012"] })).to.deep.equal({
      accounts: ["123456789012"],
      organizations: [],
      services: [],
    });
    expect(withDefaults(PROMETHEUS_ACTIONS_DEFAULTS, undefined)).to.deep.equal(PROMETHEUS_ACTIONS_DEFAULTS);
  });

  it("ignores keys the rule does not have", () => {
    const merged = withDefaults(ALLOWED_PRINCIPALS_DEFAULTS, { enforcementLevel: "mandatory" } as never);
    expect(merged).to.deep.equal(ALLOWED_PRINCIPALS_DEFAULTS);
  });

  it("allows every Prometheus-compatible action and lets Grafana only read, by default", () => {
    expect(PROMETHEUS_ACTIONS_DEFAULTS.allowedActions).to.deep.equal([...PROMETHEUS_COMPATIBLE_ACTIONS]);
    expect(PROMETHEUS_ACTIONS_DEFAULTS.readOnlyPrincipals).to.deep.equal(["grafana.amazonaws.com"]);
  });

  it("gives the CLI the same defaults in the schemas it fills the config with", () => {
    for (const [schema, defaults] of [
      [ALLOWED_PRINCIPALS_SCHEMA, ALLOWED_PRINCIPALS_DEFAULTS],
      [PROMETHEUS_ACTIONS_SCHEMA, PROMETHEUS_ACTIONS_DEFAULTS],
    ] as const) {
      const fromSchema = Object.fromEntries(
        Object.entries(schema.properties).map(([key, p]) => [key, p.default]),
      );
      expect(fromSchema).to.deep.equal(defaults);
    }
  });
});
