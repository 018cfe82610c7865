"""A central monitoring account may read the workspace's metrics: it may query them and look up their series,
labels and metadata, but not write. The policy is written as a typed document (PolicyDocumentArgs), which the
provider turns into JSON; the workspace is one the stack config names:

    pulumi config set workspaceId ws-…
    pulumi config set workspaceArn arn:aws:aps:REGION:ACCOUNT:workspace/ws-…
    pulumi config set monitoringAccount 210987654321
"""

import pulumi
import pulumi_awsamp as awsamp

config = pulumi.Config()
workspace_id = config.require("workspaceId")
workspace_arn = config.require("workspaceArn")
monitoring_account = config.require("monitoringAccount")

# AMP's read actions, in one statement. Action, Resource and Principal.AWS are lists, even of one value.
READ_ACTIONS = ["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"]

document = awsamp.PolicyDocumentArgs(
    version="2012-10-17",
    statement=[
        awsamp.PolicyStatementArgs(
            sid="MonitoringAccountRead",
            effect="Allow",
            principal=awsamp.PolicyPrincipalArgs(aws=[monitoring_account]),
            action=READ_ACTIONS,
            resource=[workspace_arn],
        )
    ],
)

policy = awsamp.ResourcePolicy(
    "monitoring",
    workspace_id=workspace_id,
    policy_document=document,
    # The workspace uses AWS's own key, so the monitoring account needs no KMS grant: stop the reminder.
    accepted_warnings=["cross-account-kms"],
)

pulumi.export("policyDocument", policy.policy_document)
pulumi.export("revisionId", policy.revision_id)
