// A central monitoring account may query an AMP workspace: the policy written as a typed document, which the
// provider turns into JSON. The workspace is named in the stack config (workspaceId, workspaceArn), as is the
// account that reads it (monitoringAccount: an account ID or an IAM ARN).
package main

import (
	"fmt"

	"github.com/awsamp/awsamp/sdk/go/awsamp"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// ReadActions are the actions that read a workspace: queries, series, labels and metric metadata.
var ReadActions = []string{"aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"}

// MonitoringRead is the grant: which workspace, and which account may read it.
type MonitoringRead struct {
	WorkspaceID       pulumi.StringInput
	WorkspaceArn      pulumi.StringInput
	MonitoringAccount pulumi.StringInput
}

// Document is the policy as a typed document: the monitoring account may read the workspace.
func (m MonitoringRead) Document() awsamp.PolicyDocumentArgs {
	return awsamp.PolicyDocumentArgs{
		Version: pulumi.String("2012-10-17"),
		Statement: awsamp.PolicyStatementArray{
			awsamp.PolicyStatementArgs{
				Sid:       pulumi.String("MonitoringAccountReads"),
				Effect:    pulumi.String("Allow"),
				Principal: awsamp.PolicyPrincipalArgs{AWS: pulumi.StringArray{m.MonitoringAccount}},
				Action:    pulumi.ToStringArray(ReadActions),
				Resource:  pulumi.StringArray{m.WorkspaceArn},
			},
		},
	}
}

// NewMonitoringReadPolicy declares the workspace's resource policy with the grant's document.
func NewMonitoringReadPolicy(ctx *pulumi.Context, name string, m MonitoringRead,
	opts ...pulumi.ResourceOption,
) (*awsamp.ResourcePolicy, error) {
	return awsamp.NewResourcePolicy(ctx, name, &awsamp.ResourcePolicyArgs{
		WorkspaceId:    m.WorkspaceID,
		PolicyDocument: m.Document(),
	}, opts...)
}

// Program is the stack: the grant the stack config names, and the policy's JSON, status and revision.
func Program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	var grant [3]string
	for i, key := range []string{"workspaceId", "workspaceArn", "monitoringAccount"} {
		value, err := cfg.Try(key)
		if err != nil {
			return fmt.Errorf("the stack config has no %s: set it with `pulumi config set %s VALUE`", key, key)
		}
		grant[i] = value
	}
	policy, err := NewMonitoringReadPolicy(ctx, "monitoring", MonitoringRead{
		WorkspaceID:       pulumi.String(grant[0]),
		WorkspaceArn:      pulumi.String(grant[1]),
		MonitoringAccount: pulumi.String(grant[2]),
	})
	if err != nil {
		return err
	}
	ctx.Export("policyDocument", policy.PolicyDocument)
	ctx.Export("policyStatus", policy.PolicyStatus)
	ctx.Export("revisionId", policy.RevisionId)
	return nil
}

func main() {
	pulumi.Run(Program)
}
