// RunPlugin for Node.js policy packs: the CLI asks the language host to run a pack (`pulumi preview
// --policy-pack DIR` on a PulumiPolicy.yaml with `runtime: nodejs`), and the v3.68.0 host answers "not
// supported", as policy packs then had a shim plugin of their own. The front runs them as the newer hosts do:
// @pulumi/pulumi's cmd/run-policy-pack, resolved from the pack's folder, with the pack's folder last among
// its arguments, run in that folder, its output streamed back. Plugins of other kinds go to the old host.
package main

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
)

const runPolicyPack = "@pulumi/pulumi/cmd/run-policy-pack"

func serveRunPlugin(stream grpc.ServerStream, conn *grpc.ClientConn) error {
	var frame rawFrame
	if err := stream.RecvMsg(&frame); err != nil {
		return err
	}
	req := &pulumirpc.RunPluginRequest{}
	if err := proto.Unmarshal(frame, req); err != nil {
		return err
	}
	if req.Kind != "analyzer" {
		return forward(stream, conn, runPlugin, frame)
	}
	return runPolicyPackPlugin(stream, req)
}

func runPolicyPackPlugin(stream grpc.ServerStream, req *pulumirpc.RunPluginRequest) error {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		return errors.New("running a policy pack: the request names no program directory")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("running the policy pack in %s: %w", dir, err)
	}
	script, err := resolveModule(node, dir, runPolicyPack)
	if err != nil {
		return err
	}
	args := append(append([]string{script}, req.Args...), dir)
	cmd := exec.CommandContext(stream.Context(), node, args...)
	cmd.Dir = dir
	cmd.Env = req.Env
	var sending sync.Mutex
	cmd.Stdout = &outputWriter{&sending, stream, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}}
	}}
	cmd.Stderr = &outputWriter{&sending, stream, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}}
	}}
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return fmt.Errorf("the policy pack in %s exited with code %d", dir, exit.ExitCode())
		}
		return fmt.Errorf("running the policy pack in %s: %w", dir, err)
	}
	return nil
}

// resolveModule finds a module as node would from dir, so the pack runs with the SDK it installed.
func resolveModule(node, dir, module string) (string, error) {
	cmd := exec.Command(node, "-e", fmt.Sprintf("console.log(require.resolve(%q))", module))
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s is not installed for the policy pack in %s (run npm install there): %w", module, dir, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// outputWriter sends a process's output as RunPlugin responses; its two streams share one lock, since a
// gRPC stream takes one message at a time.
type outputWriter struct {
	sending *sync.Mutex
	stream  grpc.ServerStream
	wrap    func([]byte) *pulumirpc.RunPluginResponse
}

func (w *outputWriter) Write(b []byte) (int, error) {
	encoded, err := proto.Marshal(w.wrap(b))
	if err != nil {
		return 0, err
	}
	frame := rawFrame(encoded)
	w.sending.Lock()
	defer w.sending.Unlock()
	if err := w.stream.SendMsg(&frame); err != nil {
		return 0, err
	}
	return len(b), nil
}
