// The program and the generated Go SDK under Pulumi's mocks: what the engine would receive, and what the
// program gets back.
package main

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/awsamp/awsamp/sdk/go/awsamp"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	project           = "awsamp-go"
	workspaceID       = "ws-12345678-90ab-cdef-1234-567890abcdef"
	workspaceArn      = "arn:aws:aps:us-east-1:123456789012:workspace/" + workspaceID
	monitoringAccount = "210987654321"
)

// registration is one resource the program registered, as the engine would receive it.
type registration struct {
	token    string
	name     string
	inputs   resource.PropertyMap
	provider string
}

// mocks answers as the awsamp plugin would (the ID is the workspace's; the document comes back as JSON
// text, with a status and a revision) and records every registration.
type mocks struct {
	mu         sync.Mutex
	registered []registration
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	m.registered = append(m.registered, registration{args.TypeToken, args.Name, args.Inputs, args.Provider})
	m.mu.Unlock()
	switch args.TypeToken {
	case "awsamp:index:ResourcePolicy":
		state := args.Inputs.Copy()
		state["policyDocument"] = resource.NewStringProperty("{\"Version\":\"2012-10-17\"}")
		state["policyStatus"] = resource.NewStringProperty("ACTIVE")
		state["revisionId"] = resource.NewStringProperty("rev-1")
		return args.Inputs["workspaceId"].StringValue(), state, nil
	case "pulumi:providers:awsamp":
		return "provider-id", args.Inputs, nil
	}
	return "", nil, fmt.Errorf("unexpected resource type %s", args.TypeToken)
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return nil, fmt.Errorf("unexpected call of %s", args.Token)
}

// ofType is the one registration of the type, failing the test unless there is exactly one.
func (m *mocks) ofType(t *testing.T, token string) registration {
	t.Helper()
	var found []registration
	for _, r := range m.registered {
		if r.token == token {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("registered %d resources of type %s, want 1: %+v", len(found), token, m.registered)
	}
	return found[0]
}

// withConfig is the stack config of the program's project.
func withConfig(values map[string]string) pulumi.RunOption {
	return func(info *pulumi.RunInfo) {
		info.Config = map[string]string{}
		for key, value := range values {
			info.Config[project+":"+key] = value
		}
	}
}

var stackConfig = map[string]string{
	"workspaceId":       workspaceID,
	"workspaceArn":      workspaceArn,
	"monitoringAccount": monitoringAccount,
}

// run runs body under the mocks and hands back what they recorded.
func run(t *testing.T, body pulumi.RunFunc, opts ...pulumi.RunOption) *mocks {
	t.Helper()
	m := &mocks{}
	if err := pulumi.RunErr(body, append(opts, pulumi.WithMocks(project, "test", m))...); err != nil {
		t.Fatalf("the program failed: %v", err)
	}
	return m
}

// resolved is an output's value once the run is over (RunErr waits for every output).
type resolved[T any] struct {
	mu    sync.Mutex
	value T
	set   bool
}

func (r *resolved[T]) capture(output pulumi.Output) {
	output.ApplyT(func(v T) T {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.value, r.set = v, true
		return v
	})
}

func (r *resolved[T]) get(t *testing.T, what string) T {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.set {
		t.Fatalf("%s never resolved", what)
	}
	return r.value
}

func TestProgramRegistersResourcePolicyWithTheTypedDocument(t *testing.T) {
	m := run(t, Program, withConfig(stackConfig))

	policy := m.ofType(t, "awsamp:index:ResourcePolicy")
	if policy.name != "monitoring" {
		t.Errorf("the policy's name is %q, want monitoring", policy.name)
	}
	// The wire names are IAM's (the schema's), not Go's field names; fields left nil are not sent.
	want := map[string]any{
		"workspaceId": workspaceID,
		"policyDocument": map[string]any{
			"Version": "2012-10-17",
			"Statement": []any{map[string]any{
				"Sid":       "MonitoringAccountReads",
				"Effect":    "Allow",
				"Principal": map[string]any{"AWS": []any{monitoringAccount}},
				"Action":    []any{"aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"},
				"Resource":  []any{workspaceArn},
			}},
		},
	}
	if got := policy.inputs.Mappable(); !reflect.DeepEqual(got, want) {
		t.Errorf("the policy's inputs are\n%#v\nwant\n%#v", got, want)
	}
	if !policy.inputs["policyDocument"].IsObject() {
		t.Errorf("the typed document is sent as %v, want an object", policy.inputs["policyDocument"])
	}
}

func TestPolicyOutputsResolve(t *testing.T) {
	var status, revision, document resolved[string]
	var id resolved[pulumi.ID]
	run(t, func(ctx *pulumi.Context) error {
		policy, err := NewMonitoringReadPolicy(ctx, "monitoring", MonitoringRead{
			WorkspaceID:       pulumi.String(workspaceID),
			WorkspaceArn:      pulumi.String(workspaceArn),
			MonitoringAccount: pulumi.String(monitoringAccount),
		})
		if err != nil {
			return err
		}
		status.capture(policy.PolicyStatus)
		revision.capture(policy.RevisionId)
		document.capture(policy.PolicyDocument)
		id.capture(policy.ID())
		return nil
	})

	if got := status.get(t, "policyStatus"); got != "ACTIVE" {
		t.Errorf("policyStatus is %q, want ACTIVE", got)
	}
	if got := revision.get(t, "revisionId"); got != "rev-1" {
		t.Errorf("revisionId is %q, want rev-1", got)
	}
	if got := document.get(t, "policyDocument"); got != `{"Version":"2012-10-17"}` {
		t.Errorf("policyDocument (an output, the plugin's JSON text) is %q", got)
	}
	if got := id.get(t, "the ID"); got != workspaceID {
		t.Errorf("the ID is %q, want the workspace's", got)
	}
}

func TestDocumentFromOutputs(t *testing.T) {
	// The ARN and the account as outputs of other resources would be: the SDK waits for them.
	m := run(t, func(ctx *pulumi.Context) error {
		arn := pulumi.String(workspaceArn).ToStringOutput().ApplyT(func(s string) string { return s }).(pulumi.StringOutput)
		_, err := NewMonitoringReadPolicy(ctx, "monitoring", MonitoringRead{
			WorkspaceID:       pulumi.String(workspaceID).ToStringOutput(),
			WorkspaceArn:      arn,
			MonitoringAccount: pulumi.Sprintf("arn:aws:iam::%s:root", monitoringAccount),
		})
		return err
	})

	document := m.ofType(t, "awsamp:index:ResourcePolicy").inputs["policyDocument"].Mappable().(map[string]any)
	statement := document["Statement"].([]any)[0].(map[string]any)
	if got := statement["Resource"]; !reflect.DeepEqual(got, []any{workspaceArn}) {
		t.Errorf("Resource is %v, want [%s]", got, workspaceArn)
	}
	want := map[string]any{"AWS": []any{"arn:aws:iam::" + monitoringAccount + ":root"}}
	if got := statement["Principal"]; !reflect.DeepEqual(got, want) {
		t.Errorf("Principal is %v, want %v", got, want)
	}
}

func TestJSONStringDocument(t *testing.T) {
	text := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + monitoringAccount +
		`"},"Action":"aps:QueryMetrics","Resource":"` + workspaceArn + `"}]}`
	formatted := strings.ReplaceAll(text, ",", ",\n  ")
	for name, c := range map[string]struct {
		document pulumi.Input
		want     string
	}{
		"a string":                   {pulumi.String(text), text},
		"a string output":            {pulumi.Sprintf("%s", text), text},
		"formatted text, as it is":   {pulumi.String(formatted), formatted},
		"an output of another's ARN": {pulumi.Sprintf(`{"Resource":%q}`, pulumi.String(workspaceArn)), `{"Resource":"` + workspaceArn + `"}`},
	} {
		t.Run(name, func(t *testing.T) {
			m := run(t, func(ctx *pulumi.Context) error {
				_, err := awsamp.NewResourcePolicy(ctx, "json", &awsamp.ResourcePolicyArgs{
					WorkspaceId:    pulumi.String(workspaceID),
					PolicyDocument: c.document,
				})
				return err
			})
			got := m.ofType(t, "awsamp:index:ResourcePolicy").inputs["policyDocument"]
			if !got.IsString() || got.StringValue() != c.want {
				t.Errorf("the JSON document is sent as %v, want the string %q", got, c.want)
			}
		})
	}
}

func TestProviderRegistersWithSecretCredentials(t *testing.T) {
	m := run(t, func(ctx *pulumi.Context) error {
		provider, err := awsamp.NewProvider(ctx, "central", &awsamp.ProviderArgs{
			Region:    pulumi.String("eu-west-1"),
			Endpoint:  pulumi.String("http://127.0.0.1:4510"),
			AccessKey: pulumi.String("AKIAIOSFODNN7EXAMPLE"),
			SecretKey: pulumi.String("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
		})
		if err != nil {
			return err
		}
		_, err = NewMonitoringReadPolicy(ctx, "monitoring", MonitoringRead{
			WorkspaceID:       pulumi.String(workspaceID),
			WorkspaceArn:      pulumi.String(workspaceArn),
			MonitoringAccount: pulumi.String(monitoringAccount),
		}, pulumi.Provider(provider))
		return err
	})

	provider := m.ofType(t, "pulumi:providers:awsamp")
	if provider.name != "central" {
		t.Errorf("the provider's name is %q, want central", provider.name)
	}
	for _, key := range []resource.PropertyKey{"accessKey", "secretKey"} {
		value := provider.inputs[key]
		if !value.IsSecret() {
			t.Errorf("the provider's %s is sent as %v, want a secret", key, value)
		} else if value.SecretValue().Element.StringValue() == "" {
			t.Errorf("the provider's %s secret is empty", key)
		}
	}
	if got := provider.inputs["accessKey"].SecretValue().Element.StringValue(); got != "AKIAIOSFODNN7EXAMPLE" {
		t.Errorf("the provider's accessKey is %q", got)
	}
	for key, want := range map[resource.PropertyKey]string{"region": "eu-west-1", "endpoint": "http://127.0.0.1:4510"} {
		if value := provider.inputs[key]; !value.IsString() || value.StringValue() != want {
			t.Errorf("the provider's %s is %v, want %q in the clear", key, value, want)
		}
	}
	policy := m.ofType(t, "awsamp:index:ResourcePolicy")
	wantProvider := "urn:pulumi:test::" + project + "::pulumi:providers:awsamp::central::provider-id"
	if policy.provider != wantProvider {
		t.Errorf("the policy's provider is %q, want %q", policy.provider, wantProvider)
	}
}

func TestProgramNamesMissingConfig(t *testing.T) {
	config := map[string]string{"workspaceId": workspaceID, "workspaceArn": workspaceArn}
	err := pulumi.RunErr(Program, withConfig(config), pulumi.WithMocks(project, "test", &mocks{}))
	if err == nil || !strings.Contains(err.Error(), "pulumi config set monitoringAccount") {
		t.Errorf("the program without monitoringAccount failed with %v, want the config key named", err)
	}
}

func TestRequiredArguments(t *testing.T) {
	for field, args := range map[string]*awsamp.ResourcePolicyArgs{
		"WorkspaceId":    {PolicyDocument: pulumi.String("{}")},
		"PolicyDocument": {WorkspaceId: pulumi.String(workspaceID)},
	} {
		err := pulumi.RunErr(func(ctx *pulumi.Context) error {
			_, err := awsamp.NewResourcePolicy(ctx, "policy", args)
			return err
		}, pulumi.WithMocks(project, "test", &mocks{}))
		if err == nil || !strings.Contains(err.Error(), "'"+field+"'") {
			t.Errorf("a policy without %s failed with %v, want the argument named", field, err)
		}
	}
}
