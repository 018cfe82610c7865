/**
 * prometheusActionViolations: only the actions the config allows, and read-only where asked, on documents Check
 * accepts (a refused action is valid-policy-document's: tests/policyPack/policies.test.ts).
 */
import { PROMETHEUS_COMPATIBLE_ACTIONS } from "@awsamp/core/policy";
import { prometheusActionViolations } from "@awsamp/policy-pack/actionRules";
import { PROMETHEUS_ACTIONS_DEFAULTS, type PrometheusActionsConfig } from "@awsamp/policy-pack/policyConfig";
import { type Json, statement } from "../core/policy/documents";
import { checked, type Expected, expectViolations, PARTNER_ACCOUNT, S0 } from "./rules";

interface Case {
  name: string;
  statements: Json[];
  config?: Partial<PrometheusActionsConfig>;
  violations: Expected[];
}

const GRAFANA = { Service: "grafana.amazonaws.com" };
const READS = ["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"];
const READ_ONLY = /which may only read \(readOnlyPrincipals in prometheus-actions in the pack's config\)/;

const cases: Case[] = [
  {
    name: "passes the five Prometheus-compatible actions, all allowed by default",
    statements: [statement({ Action: [...PROMETHEUS_COMPATIBLE_ACTIONS] })],
    violations: [],
  },
  {
    name: "passes the actions the config allows",
    statements: [statement({ Action: ["aps:GetSeries", "aps:GetLabels"] })],
    config: { allowedActions: ["aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"] },
    violations: [],
  },
  {
    name: "names each action the config does not allow, at its element",
    statements: [statement({ Action: ["aps:QueryMetrics", "aps:RemoteWrite", "aps:GetSeries"] })],
    config: { allowedActions: ["aps:QueryMetrics"] },
    violations: [
      [
        `${S0}.Action[1]`,
        /^"aps:RemoteWrite" is not among the allowed actions \(aps:QueryMetrics\); remove it or add it to allowedActions in prometheus-actions in the pack's config$/,
      ],
      [`${S0}.Action[2]`, /^"aps:GetSeries" is not among the allowed actions/],
    ],
  },
  {
    name: "quotes an action as the document writes it, in whatever case",
    statements: [statement({ Action: "APS:remotewrite" })],
    config: { allowedActions: ["aps:QueryMetrics"] },
    violations: [[`${S0}.Action`, /^"APS:remotewrite" is not among the allowed actions/]],
  },
  {
    name: "says the config allows none when allowedActions is empty",
    statements: [statement()],
    config: { allowedActions: [] },
    violations: [[`${S0}.Action[0]`, /not among the allowed actions \(none\)/]],
  },
  {
    name: "names a NotAction that grants actions the config does not allow",
    statements: [statement({ Action: undefined, NotAction: "aps:RemoteWrite" })],
    config: { allowedActions: ["aps:QueryMetrics"] },
    violations: [
      [
        `${S0}.NotAction`,
        /^Allow with NotAction grants aps:GetSeries, aps:GetLabels and aps:GetMetricMetadata, which are not among the allowed actions \(aps:QueryMetrics\); list in Action the allowed actions you mean, or add them to allowedActions/,
      ],
    ],
  },
  {
    name: "names an Allow with NotAction that grants none of the five",
    statements: [statement({ Action: undefined, NotAction: [...PROMETHEUS_COMPATIBLE_ACTIONS] })],
    violations: [
      [`${S0}.NotAction`, /^Allow with NotAction grants none of the five Prometheus-compatible actions/],
    ],
  },
  {
    name: "passes read actions to a read-only principal (Grafana, by default)",
    statements: [statement({ Principal: GRAFANA, Action: READS })],
    violations: [],
  },
  {
    name: "names aps:RemoteWrite granted to a read-only principal, with the reads the statement grants",
    statements: [statement({ Principal: GRAFANA, Action: ["aps:QueryMetrics", "aps:RemoteWrite"] })],
    violations: [
      [
        `${S0}.Action[1]`,
        /^"aps:RemoteWrite" gives write access to "grafana.amazonaws.com", which may only read \(readOnlyPrincipals in prometheus-actions in the pack's config\); list only read actions \(aps:QueryMetrics\), or grant write in a statement of its own to another principal$/,
      ],
    ],
  },
  {
    name: "names a NotAction that grants write to a read-only principal",
    statements: [statement({ Principal: GRAFANA, Action: undefined, NotAction: "aps:GetLabels" })],
    violations: [
      [`${S0}.NotAction`, /^Allow with NotAction, which grants aps:RemoteWrite, gives write access/],
    ],
  },
  {
    name: "takes a read-only account ID to cover every principal of the account",
    statements: [statement({ Principal: { AWS: `arn:aws:iam::${PARTNER_ACCOUNT}:role/Dashboards` } })],
    config: { readOnlyPrincipals: [PARTNER_ACCOUNT] },
    violations: [
      [
        `${S0}.Action[0]`,
        /gives write access to "arn:aws:iam::444455556666:role\/Dashboards", which may only read/,
      ],
    ],
  },
  {
    name: "says both when write is not allowed and goes to a read-only principal",
    statements: [statement({ Principal: GRAFANA, Action: ["aps:RemoteWrite"] })],
    config: { allowedActions: ["aps:QueryMetrics"] },
    violations: [
      [`${S0}.Action[0]`, /^"aps:RemoteWrite" is not among the allowed actions/],
      [`${S0}.Action[0]`, READ_ONLY],
    ],
  },
  {
    name: "leaves Deny statements alone",
    statements: [
      statement({ Effect: "Deny", Principal: GRAFANA, Action: [...PROMETHEUS_COMPATIBLE_ACTIONS] }),
    ],
    config: { allowedActions: ["aps:QueryMetrics"] },
    violations: [],
  },
];

describe("policy pack: prometheusActionViolations", () => {
  for (const { name, statements, config, violations } of cases) {
    it(name, () => {
      const found = prometheusActionViolations(checked(...statements).document, {
        ...PROMETHEUS_ACTIONS_DEFAULTS,
        ...config,
      });
      expectViolations(found, violations);
    });
  }
});
