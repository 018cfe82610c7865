/** prometheusActionViolations: only the five Prometheus-compatible actions, the allowed ones, read-only where asked. */
import { PROMETHEUS_COMPATIBLE_ACTIONS } from "@awsamp/core/policy";
import { prometheusActionViolations } from "@awsamp/policy-pack/actionRules";
import { PROMETHEUS_ACTIONS_DEFAULTS, type PrometheusActionsConfig } from "@awsamp/policy-pack/config";
import { type Json, statement } from "../policy/documents";
import { checked, type Expected, expectViolations, PARTNER_ACCOUNT, S0 } from "./rules";

interface Case {
  name: string;
  statements: Json[];
  config?: Partial<PrometheusActionsConfig>;
  violations: Expected[];
}

const GRAFANA = { Service: "grafana.amazonaws.com" };
const READS = ["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"];

const cases: Case[] = [
  {
    name: "passes the five Prometheus-compatible actions",
    statements: [statement({ Action: [...PROMETHEUS_COMPATIBLE_ACTIONS] })],
    violations: [],
  },
  {
    name: "names a misspelt action with the one meant, in Check's words",
    statements: [statement({ Action: ["aps:RemoteWrite", "aps:QueryMetric"] })],
    violations: [
      [`${S0}.Action[1]`, /^"aps:QueryMetric" is not an action — did you mean aps:QueryMetrics\?/],
    ],
  },
  {
    name: "names a real action that is not Prometheus-compatible",
    statements: [statement({ Action: ["aps:CreateWorkspace"] })],
    violations: [
      [`${S0}.Action[0]`, /"aps:CreateWorkspace" is not one of the five Prometheus-compatible actions/],
    ],
  },
  {
    name: "names a wildcard that covers none of the five",
    statements: [statement({ Action: "s3:Get*" })],
    violations: [[`${S0}.Action`, /"s3:Get\*" covers none of the five Prometheus-compatible actions/]],
  },
  {
    name: "passes a wildcard that grants only allowed actions",
    statements: [statement({ Action: ["aps:Get*"] })],
    config: { allowedActions: ["aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"] },
    violations: [],
  },
  {
    name: "names an action the config does not allow, exact or through a wildcard",
    statements: [statement({ Action: ["aps:QueryMetrics", "aps:RemoteWrite", "aps:*"] })],
    config: { allowedActions: ["aps:QueryMetrics"] },
    violations: [
      [
        `${S0}.Action[1]`,
        /^"aps:RemoteWrite" grants aps:RemoteWrite, which is not among the allowed actions \(aps:QueryMetrics\)/,
      ],
      [
        `${S0}.Action[2]`,
        /^"aps:\*" grants aps:RemoteWrite, aps:GetSeries, aps:GetLabels and aps:GetMetricMetadata, which are not among/,
      ],
    ],
  },
  {
    name: "names a NotAction that grants an action the config does not allow",
    statements: [statement({ Action: undefined, NotAction: "aps:RemoteWrite" })],
    config: { allowedActions: ["aps:QueryMetrics"] },
    violations: [
      [
        `${S0}.NotAction`,
        /^Allow with NotAction grants aps:GetSeries, aps:GetLabels and aps:GetMetricMetadata, which are not/,
      ],
    ],
  },
  {
    name: "passes read actions to a read-only principal (Grafana, by default)",
    statements: [statement({ Principal: GRAFANA, Action: READS })],
    violations: [],
  },
  {
    name: "names aps:RemoteWrite granted to a read-only principal",
    statements: [statement({ Principal: GRAFANA, Action: ["aps:QueryMetrics", "aps:RemoteWrite"] })],
    violations: [
      [
        `${S0}.Action[1]`,
        /^"aps:RemoteWrite" gives write access to "grafana.amazonaws.com", which may only read \(readOnlyPrincipals in prometheus-actions in the pack's config\); list only read actions \(aps:QueryMetrics\)/,
      ],
    ],
  },
  {
    name: "names a wildcard that grants write to a read-only principal",
    statements: [statement({ Principal: GRAFANA, Action: "aps:*" })],
    violations: [
      [
        `${S0}.Action`,
        /^"aps:\*", which grants aps:RemoteWrite, gives write access to "grafana.amazonaws.com"/,
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
    name: "leaves Deny statements alone",
    statements: [statement({ Effect: "Deny", Principal: GRAFANA, Action: ["aps:*", "s3:GetObject"] })],
    violations: [],
  },
];

describe("policy pack: prometheusActionViolations", () => {
  for (const { name, statements, config, violations } of cases) {
    it(name, () => {
      const check = checked(...statements);
      const found = prometheusActionViolations(check.document, check, {
        ...PROMETHEUS_ACTIONS_DEFAULTS,
        ...config,
      });
      expectViolations(found, violations);
    });
  }
});
