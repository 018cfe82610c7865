"""The generated Python SDK (sdk/python) under Pulumi's mocks: what a program's resources send to the engine.

`make test-python` runs it in .tools/python, where `make python` installed pulumi from the lock and the SDK
from sdk/python. It follows Pulumi's unit-testing pattern: set_mocks before the SDK is imported, resources
declared inside a @pulumi.runtime.test function, whose returned Output is awaited with the checks in its
apply. The mocks record every registration (type token, inputs as the engine receives them, provider) and
answer as the awsamp plugin does: the policy document as JSON text, ACTIVE, a revision ID, the access granted.
"""

import json
import unittest

import pulumi
from pulumi.runtime import rpc

POLICY_TYPE = "awsamp:index:ResourcePolicy"
PROVIDER_TYPE = "pulumi:providers:awsamp"
WORKSPACE_ARN = "arn:aws:aps:us-east-1:123456789012:workspace/ws-11111111-2222-3333-4444-555555555555"
MONITORING_ACCOUNT = "210987654321"


class AwsampMocks(pulumi.runtime.Mocks):
    def __init__(self):
        self.registered = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.registered[args.name] = args
        if args.typ == PROVIDER_TYPE:
            # A provider's outputs are its settings, without the credentials (the schema has none as outputs).
            plain = {k: v for k, v in args.inputs.items() if not rpc.is_rpc_secret(v)}
            return f"{args.name}-id", plain
        if args.typ != POLICY_TYPE:
            raise AssertionError(f"unexpected resource type {args.typ}")
        if args.resource_id:  # ResourcePolicy.get: the plugin's Read of the workspace's policy.
            return args.resource_id, {
                "workspaceId": args.resource_id,
                "policyDocument": '{"Version":"2012-10-17","Statement":[]}',
                "policyStatus": "ACTIVE",
                "revisionId": "rev-read",
            }
        document = args.inputs["policyDocument"]
        text = document if isinstance(document, str) else json.dumps(document)
        return args.inputs["workspaceId"], {
            **args.inputs,
            # The plugin's Check turns an object into JSON text; the output is always text.
            "policyDocument": text,
            "policyStatus": "ACTIVE",
            "revisionId": f"rev-{args.name}",
            "access": ACCESS_OF.get(text, {}),
        }

    def call(self, args: pulumi.runtime.MockCallArgs):
        raise AssertionError(f"the awsamp SDK has no functions, but {args.token} was called")


MOCKS = AwsampMocks()
pulumi.runtime.set_mocks(MOCKS, preview=False)

import pulumi_awsamp as awsamp  # noqa: E402 -- after set_mocks, as Pulumi's testing guide has it

JSON_DOCUMENT = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": MONITORING_ACCOUNT},
                "Action": ["aps:QueryMetrics", "aps:GetSeries"],
                "Resource": WORKSPACE_ARN,
            }
        ],
    }
)
CANONICAL_USER = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"

# The access the plugin computes from the documents these tests send as text, an account ID as its root ARN.
ACCESS_OF = {
    JSON_DOCUMENT: {
        f"arn:aws:iam::{MONITORING_ACCOUNT}:root aps:QueryMetrics": "allow",
        f"arn:aws:iam::{MONITORING_ACCOUNT}:root aps:GetSeries": "allow",
    },
}


def registered(name: str) -> pulumi.runtime.MockResourceArgs:
    return MOCKS.registered[name]


class ResourcePolicyTest(unittest.TestCase):
    maxDiff = None

    @pulumi.runtime.test
    def test_json_document(self):
        policy = awsamp.ResourcePolicy("json", workspace_id="ws-json", policy_document=JSON_DOCUMENT)

        def check(values):
            urn, id_, document, status, revision, workspace, region, access = values
            sent = registered("json")
            self.assertEqual(sent.typ, POLICY_TYPE)
            self.assertTrue(sent.custom)
            # Wire names, and nothing the program did not set (region, acceptedWarnings).
            self.assertEqual(sent.inputs, {"workspaceId": "ws-json", "policyDocument": JSON_DOCUMENT})
            # set_mocks's default stack and project; the stack resource is the parent.
            self.assertEqual(urn, f"urn:pulumi:stack::project::pulumi:pulumi:Stack${POLICY_TYPE}::json")
            self.assertEqual(id_, "ws-json")
            self.assertEqual(document, JSON_DOCUMENT)
            self.assertEqual(status, "ACTIVE")
            self.assertEqual(revision, "rev-json")
            self.assertEqual(workspace, "ws-json")
            self.assertIsNone(region)
            # An output only: the program sends none, and reads what the provider computed.
            self.assertNotIn("access", sent.inputs)
            self.assertEqual(access, ACCESS_OF[JSON_DOCUMENT])

        return pulumi.Output.all(
            policy.urn,
            policy.id,
            policy.policy_document,
            policy.policy_status,
            policy.revision_id,
            policy.workspace_id,
            policy.region,
            policy.access,
        ).apply(check)

    @pulumi.runtime.test
    def test_args_class(self):
        args = awsamp.ResourcePolicyArgs(
            workspace_id="ws-args",
            policy_document=JSON_DOCUMENT,
            region="eu-west-1",
            accepted_warnings=["cross-account-kms", "no-version"],
        )
        policy = awsamp.ResourcePolicy("args", args)

        def check(_):
            self.assertEqual(
                registered("args").inputs,
                {
                    "workspaceId": "ws-args",
                    "policyDocument": JSON_DOCUMENT,
                    "region": "eu-west-1",
                    "acceptedWarnings": ["cross-account-kms", "no-version"],
                },
            )

        return policy.urn.apply(check)

    @pulumi.runtime.test
    def test_typed_document(self):
        document = awsamp.PolicyDocumentArgs(
            version="2012-10-17",
            id="monitoring",
            statement=[
                awsamp.PolicyStatementArgs(
                    sid="MonitoringQueries",
                    effect="Allow",
                    principal=awsamp.PolicyPrincipalArgs(
                        aws=[MONITORING_ACCOUNT], service=["grafana.amazonaws.com"]
                    ),
                    action=["aps:QueryMetrics"],
                    resource=[WORKSPACE_ARN],
                    condition={"StringEquals": {"aws:PrincipalOrgID": ["o-abcdefghij"]}},
                ),
                awsamp.PolicyStatementArgs(
                    effect="Deny",
                    not_principal=awsamp.PolicyPrincipalArgs(
                        canonical_user=[CANONICAL_USER], federated=["cognito-identity.amazonaws.com"]
                    ),
                    not_action=["aps:RemoteWrite"],
                    not_resource=[WORKSPACE_ARN],
                ),
                # Principal's other form: the string "*" (everyone).
                awsamp.PolicyStatementArgs(effect="Deny", principal="*", action=["aps:RemoteWrite"]),
            ],
        )
        policy = awsamp.ResourcePolicy("typed", workspace_id="ws-typed", policy_document=document)
        # IAM's names, as the schema's properties spell them; the unset ones are left out. One-element lists
        # stay lists.
        wire = {
            "Version": "2012-10-17",
            "Id": "monitoring",
            "Statement": [
                {
                    "Sid": "MonitoringQueries",
                    "Effect": "Allow",
                    "Principal": {"AWS": [MONITORING_ACCOUNT], "Service": ["grafana.amazonaws.com"]},
                    "Action": ["aps:QueryMetrics"],
                    "Resource": [WORKSPACE_ARN],
                    "Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-abcdefghij"]}},
                },
                {
                    "Effect": "Deny",
                    "NotPrincipal": {
                        "CanonicalUser": [CANONICAL_USER],
                        "Federated": ["cognito-identity.amazonaws.com"],
                    },
                    "NotAction": ["aps:RemoteWrite"],
                    "NotResource": [WORKSPACE_ARN],
                },
                {"Effect": "Deny", "Principal": "*", "Action": ["aps:RemoteWrite"]},
            ],
        }

        def check(values):
            document_text, status, revision = values
            sent = registered("typed")
            self.assertEqual(sent.typ, POLICY_TYPE)
            self.assertEqual(sent.inputs, {"workspaceId": "ws-typed", "policyDocument": wire})
            # The output is the JSON text of what was sent.
            self.assertIsInstance(document_text, str)
            self.assertEqual(json.loads(document_text), wire)
            self.assertEqual(status, "ACTIVE")
            self.assertEqual(revision, "rev-typed")

        return pulumi.Output.all(policy.policy_document, policy.policy_status, policy.revision_id).apply(check)

    @pulumi.runtime.test
    def test_lists_of_strings_reach_the_engine_as_lists(self):
        """Every list of strings in the typed document reaches the engine as a list, in order, under IAM's name.

        Until the schema made these lists only, a list where a typed argument allowed a string or a list failed
        in Pulumi's serializer (pulumi/pulumi#17181, #6950): this is the case that used to fail.
        """
        actions = ["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"]
        other_arn = WORKSPACE_ARN.replace("ws-1111", "ws-9999")
        principals = {
            "aws": [MONITORING_ACCOUNT, "arn:aws:iam::123456789012:role/grafana"],
            "service": ["grafana.amazonaws.com", "prometheus.amazonaws.com"],
            "federated": ["cognito-identity.amazonaws.com", "accounts.google.com"],
            "canonical_user": [CANONICAL_USER, CANONICAL_USER[::-1]],
        }
        document = awsamp.PolicyDocumentArgs(
            statement=[
                awsamp.PolicyStatementArgs(
                    effect="Allow",
                    principal=awsamp.PolicyPrincipalArgs(**principals),
                    action=actions,
                    resource=[WORKSPACE_ARN, other_arn],
                    condition={
                        "StringEquals": {"aws:PrincipalOrgID": ["o-abcdefghij", "o-klmnopqrst"]},
                        "IpAddress": {"aws:SourceIp": ["192.0.2.0/24"]},
                    },
                ),
                awsamp.PolicyStatementArgs(
                    effect="Deny",
                    not_principal=awsamp.PolicyPrincipalArgs(aws=principals["aws"]),
                    not_action=actions[:2],
                    not_resource=[other_arn, WORKSPACE_ARN],
                ),
            ],
        )
        policy = awsamp.ResourcePolicy("lists", workspace_id="ws-lists", policy_document=document)

        def check(_):
            self.assertEqual(
                registered("lists").inputs["policyDocument"]["Statement"],
                [
                    {
                        "Effect": "Allow",
                        "Principal": {
                            "AWS": principals["aws"],
                            "Service": principals["service"],
                            "Federated": principals["federated"],
                            "CanonicalUser": principals["canonical_user"],
                        },
                        "Action": actions,
                        "Resource": [WORKSPACE_ARN, other_arn],
                        "Condition": {
                            "StringEquals": {"aws:PrincipalOrgID": ["o-abcdefghij", "o-klmnopqrst"]},
                            "IpAddress": {"aws:SourceIp": ["192.0.2.0/24"]},
                        },
                    },
                    {
                        "Effect": "Deny",
                        "NotPrincipal": {"AWS": principals["aws"]},
                        "NotAction": actions[:2],
                        "NotResource": [other_arn, WORKSPACE_ARN],
                    },
                ],
            )

        return policy.urn.apply(check)

    @pulumi.runtime.test
    def test_typed_document_from_outputs(self):
        """Values of the typed document may be outputs of other resources, as a workspace's ARN is."""
        source = awsamp.ResourcePolicy("source", workspace_id="ws-source", policy_document=JSON_DOCUMENT)
        arn = source.workspace_id.apply(lambda ws: f"arn:aws:aps:us-east-1:123456789012:workspace/{ws}")
        document = awsamp.PolicyDocumentArgs(
            version="2012-10-17",
            statement=[
                awsamp.PolicyStatementArgs(
                    effect="Allow",
                    # An output in a list, and a list that is an output.
                    principal=awsamp.PolicyPrincipalArgs(aws=[pulumi.Output.from_input(MONITORING_ACCOUNT)]),
                    action=source.workspace_id.apply(lambda _: ["aps:GetSeries", "aps:GetLabels"]),
                    resource=[arn],
                )
            ],
        )
        policy = awsamp.ResourcePolicy("from-outputs", workspace_id=source.workspace_id, policy_document=document)

        def check(_):
            self.assertEqual(
                registered("from-outputs").inputs,
                {
                    "workspaceId": "ws-source",
                    "policyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"AWS": [MONITORING_ACCOUNT]},
                                "Action": ["aps:GetSeries", "aps:GetLabels"],
                                "Resource": ["arn:aws:aps:us-east-1:123456789012:workspace/ws-source"],
                            }
                        ],
                    },
                },
            )

        return policy.urn.apply(check)

    @pulumi.runtime.test
    def test_plain_dict_with_iam_names(self):
        """A plain dict with IAM's own names goes to the wire as written, strings and lists alike."""
        document = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": [MONITORING_ACCOUNT]},
                    "Action": ["aps:QueryMetrics", "aps:GetLabels"],
                    "Resource": WORKSPACE_ARN,
                }
            ],
        }
        policy = awsamp.ResourcePolicy("iam-dict", workspace_id="ws-iam-dict", policy_document=document)

        def check(_):
            self.assertEqual(
                registered("iam-dict").inputs, {"workspaceId": "ws-iam-dict", "policyDocument": document}
            )

        return policy.urn.apply(check)

    def test_input_types_are_classes_only(self):
        """schema.json's language.python.inputTypes is "classes": no TypedDict (…ArgsDict) types, whose keys
        Pulumi's SDK sent untranslated, with the Python names instead of IAM's."""
        self.assertEqual([name for name in dir(awsamp) if name.endswith("ArgsDict")], [])
        self.assertTrue(hasattr(awsamp, "PolicyDocumentArgs"))

    # --- required inputs ------------------------------------------------------------------------------------

    def test_missing_required_inputs_raise_type_error(self):
        with self.assertRaisesRegex(TypeError, r"Missing required property 'policy_document'"):
            awsamp.ResourcePolicy("no-document", workspace_id="ws-1")
        with self.assertRaisesRegex(TypeError, r"Missing required property 'workspace_id'"):
            awsamp.ResourcePolicy("no-workspace", policy_document=JSON_DOCUMENT)
        with self.assertRaisesRegex(TypeError, r"workspace_id"):
            awsamp.ResourcePolicyArgs(policy_document=JSON_DOCUMENT)
        with self.assertRaisesRegex(TypeError, r"statement"):
            awsamp.PolicyDocumentArgs(version="2012-10-17")
        with self.assertRaisesRegex(TypeError, r"effect"):
            awsamp.PolicyStatementArgs(action=["aps:QueryMetrics"])
        for name in ("no-document", "no-workspace"):
            self.assertNotIn(name, MOCKS.registered)

    @pulumi.runtime.test
    def test_get_reads_by_workspace_id(self):
        policy = awsamp.ResourcePolicy.get("read", "ws-read")

        def check(values):
            id_, status, revision = values
            sent = registered("read")
            self.assertEqual(sent.typ, POLICY_TYPE)
            self.assertEqual(sent.resource_id, "ws-read")
            self.assertEqual((id_, status, revision), ("ws-read", "ACTIVE", "rev-read"))

        return pulumi.Output.all(policy.id, policy.policy_status, policy.revision_id).apply(check)


class ProviderTest(unittest.TestCase):
    maxDiff = None

    @pulumi.runtime.test
    def test_provider_settings_and_secret_credentials(self):
        provider = awsamp.Provider(
            "explicit",
            region="eu-west-1",
            endpoint="http://127.0.0.1:4566",
            profile="monitoring",
            access_key="AKIAEXAMPLEEXAMPLE01",
            secret_key="example-secret-access-key",
            token="example-session-token",
        )
        policy = awsamp.ResourcePolicy(
            "with-provider",
            workspace_id="ws-provider",
            policy_document=JSON_DOCUMENT,
            opts=pulumi.ResourceOptions(provider=provider),
        )

        def check(values):
            provider_urn, provider_id, region, endpoint, profile = values
            sent = registered("explicit")
            self.assertEqual(sent.typ, PROVIDER_TYPE)
            self.assertTrue(sent.custom)
            self.assertEqual(provider_urn, f"urn:pulumi:stack::project::pulumi:pulumi:Stack${PROVIDER_TYPE}::explicit")
            inputs = dict(sent.inputs)
            # The SDK marks the credentials secret whatever the program passed: the engine gets them wrapped.
            for key, value in {
                "accessKey": "AKIAEXAMPLEEXAMPLE01",
                "secretKey": "example-secret-access-key",
                "token": "example-session-token",
            }.items():
                self.assertTrue(rpc.is_rpc_secret(inputs[key]), f"{key} is not sent as a secret: {inputs[key]!r}")
                self.assertEqual(rpc.unwrap_rpc_secret(inputs.pop(key)), value)
            self.assertEqual(
                inputs, {"region": "eu-west-1", "endpoint": "http://127.0.0.1:4566", "profile": "monitoring"}
            )
            self.assertEqual(
                (region, endpoint, profile), ("eu-west-1", "http://127.0.0.1:4566", "monitoring")
            )
            # The policy names that provider instance.
            self.assertEqual(registered("with-provider").provider, f"{provider_urn}::{provider_id}")

        return pulumi.Output.all(
            provider.urn, provider.id, provider.region, provider.endpoint, provider.profile, policy.urn
        ).apply(lambda values: check(values[:5]))

    @pulumi.runtime.test
    def test_provider_without_credentials_sends_none(self):
        provider = awsamp.Provider("ambient", region="us-west-2")

        def check(_):
            self.assertEqual(registered("ambient").inputs, {"region": "us-west-2"})

        return provider.urn.apply(check)

    @pulumi.runtime.test
    def test_provider_sends_skip_workspace_check_as_json_text(self):
        """The plugin's config takes the boolean as the JSON text generated SDKs send for a non-string setting."""
        provider = awsamp.Provider("offline", region="us-west-2", skip_workspace_check=True)

        def check(_):
            self.assertEqual(registered("offline").inputs, {"region": "us-west-2", "skipWorkspaceCheck": "true"})

        return provider.urn.apply(check)

    def test_stack_config(self):
        pulumi.runtime.set_config("awsamp:region", "ap-southeast-2")
        pulumi.runtime.set_config("awsamp:endpoint", "http://127.0.0.1:4566")
        self.assertEqual(awsamp.config.region, "ap-southeast-2")
        self.assertEqual(awsamp.config.endpoint, "http://127.0.0.1:4566")
        self.assertIsNone(awsamp.config.profile)
        self.assertIsNone(awsamp.config.skip_workspace_check)
        pulumi.runtime.set_config("awsamp:skipWorkspaceCheck", "true")
        self.assertIs(awsamp.config.skip_workspace_check, True)


if __name__ == "__main__":
    unittest.main()
