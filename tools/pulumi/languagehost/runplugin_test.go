package main

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// oldHost stands in for the v3.68.0 runner: it answers RunPlugin with one line naming the plugin's kind.
type oldHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
}

func (oldHost) RunPlugin(req *pulumirpc.RunPluginRequest, stream pulumirpc.LanguageRuntime_RunPluginServer) error {
	return stream.Send(&pulumirpc.RunPluginResponse{
		Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: []byte("old host ran a " + req.Kind + "\n")},
	})
}

// front starts the old host and the Node.js front before it, and returns a client of the front.
func front(t *testing.T) pulumirpc.LanguageRuntimeClient {
	t.Helper()
	serve := func(server *grpc.Server) string {
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() { _ = server.Serve(listener) }()
		t.Cleanup(server.Stop)
		return listener.Addr().String()
	}
	connect := func(address string) *grpc.ClientConn {
		conn, err := grpc.NewClient(address, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = conn.Close() })
		return conn
	}
	old := grpc.NewServer()
	pulumirpc.RegisterLanguageRuntimeServer(old, oldHost{})
	runner := connect(serve(old))
	return pulumirpc.NewLanguageRuntimeClient(connect(serve(newFront("pulumi-language-nodejs", codegens["nodejs"], runner))))
}

// runPluginOutput calls RunPlugin and gathers what the plugin printed, and the call's error.
func runPluginOutput(t *testing.T, client pulumirpc.LanguageRuntimeClient, req *pulumirpc.RunPluginRequest) (string, string, error) {
	t.Helper()
	stream, err := client.RunPlugin(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr strings.Builder
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return stdout.String(), stderr.String(), nil
		}
		if err != nil {
			return stdout.String(), stderr.String(), err
		}
		stdout.Write(msg.GetStdout())
		stderr.Write(msg.GetStderr())
	}
}

// policyPackDir is a pack folder whose @pulumi/pulumi's run-policy-pack prints its arguments and working
// directory, writes to stderr, and exits with the code it is given in the environment.
func policyPackDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	script := filepath.Join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack", "index.js")
	if err := os.MkdirAll(filepath.Dir(script), 0o755); err != nil {
		t.Fatal(err)
	}
	body := `console.log(JSON.stringify({args: process.argv.slice(2), cwd: process.cwd()}));
console.error("to stderr");
process.exit(Number(process.env.EXIT_CODE || 0));
`
	if err := os.WriteFile(script, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestRunPluginRunsAPolicyPackInItsFolderWithItsFolderLast(t *testing.T) {
	client := front(t)
	dir := policyPackDir(t)
	stdout, stderr, err := runPluginOutput(t, client, &pulumirpc.RunPluginRequest{
		Kind: "analyzer",
		Args: []string{"127.0.0.1:12345"},
		Env:  append(os.Environ(), "EXIT_CODE=0"),
		Info: &pulumirpc.ProgramInfo{ProgramDirectory: dir},
	})
	if err != nil {
		t.Fatalf("RunPlugin failed: %v (stderr %q)", err, stderr)
	}
	want := `{"args":["127.0.0.1:12345","` + dir + `"],"cwd":"` + dir + `"}` + "\n"
	if stdout != want {
		t.Errorf("stdout = %q, want %q", stdout, want)
	}
	if stderr != "to stderr\n" {
		t.Errorf("stderr = %q, want the pack's stderr", stderr)
	}
}

func TestRunPluginFailsWithThePacksExitCode(t *testing.T) {
	client := front(t)
	dir := policyPackDir(t)
	_, _, err := runPluginOutput(t, client, &pulumirpc.RunPluginRequest{
		Kind: "analyzer",
		Env:  append(os.Environ(), "EXIT_CODE=3"),
		Info: &pulumirpc.ProgramInfo{ProgramDirectory: dir},
	})
	if err == nil || !strings.Contains(err.Error(), "exited with code 3") {
		t.Errorf("err = %v, want the pack's exit code", err)
	}
}

func TestRunPluginSaysWhenThePackHasNoPulumiSDK(t *testing.T) {
	client := front(t)
	_, _, err := runPluginOutput(t, client, &pulumirpc.RunPluginRequest{
		Kind: "analyzer",
		Info: &pulumirpc.ProgramInfo{ProgramDirectory: t.TempDir()},
	})
	if err == nil || !strings.Contains(err.Error(), "@pulumi/pulumi/cmd/run-policy-pack is not installed") {
		t.Errorf("err = %v, want the module it could not find", err)
	}
}

func TestRunPluginPassesOtherKindsToTheOldHost(t *testing.T) {
	client := front(t)
	stdout, _, err := runPluginOutput(t, client, &pulumirpc.RunPluginRequest{Kind: "resource"})
	if err != nil {
		t.Fatal(err)
	}
	if stdout != "old host ran a resource\n" {
		t.Errorf("stdout = %q, want the old host's answer", stdout)
	}
}
