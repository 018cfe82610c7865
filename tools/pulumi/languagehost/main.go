// Command languagehost is the test bed's Node.js language host: the newest one the Go module proxy serves
// (v3.68.0, which runs programs) behind a gRPC front that answers GenerateProgram itself with the Node.js
// code generator of the pinned pkg/v3, as the real host of that release does. Every other call passes
// through to the old host untouched.
//
// The CLI starts it as pulumi-language-nodejs with its flags and the engine's address; it starts the old
// host (pulumi-language-nodejs-runner, beside it) with the same arguments, and prints its own port.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	hclsyntax "github.com/pulumi/pulumi/pkg/v3/codegen/hcl2/syntax"
	codegen "github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/pcl"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/proto"
)

const generateProgram = "/pulumirpc.LanguageRuntime/GenerateProgram"

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	runner, err := startRunner(args)
	if err != nil {
		return err
	}
	defer func() { _ = runner.Process.Kill() }()
	conn, err := grpc.NewClient(runner.address, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return fmt.Errorf("connecting to the Node.js runner at %s: %w", runner.address, err)
	}
	defer conn.Close()

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	server := grpc.NewServer(
		grpc.ForceServerCodecV2(rawCodec{}),
		grpc.UnknownServiceHandler(func(_ any, stream grpc.ServerStream) error {
			method, _ := grpc.MethodFromServerStream(stream)
			if method == generateProgram {
				return serveGenerateProgram(stream)
			}
			return forward(stream, conn, method)
		}),
		grpc.MaxRecvMsgSize(400<<20),
		grpc.MaxSendMsgSize(400<<20),
	)
	fmt.Println(listener.Addr().(*net.TCPAddr).Port)
	go func() {
		_ = runner.Wait()
		server.Stop()
	}()
	return server.Serve(listener)
}

type runnerProcess struct {
	*exec.Cmd
	address string
}

// startRunner starts the v3.68.0 host with the CLI's arguments and reads its port from its first line.
func startRunner(args []string) (*runnerProcess, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(filepath.Join(filepath.Dir(self), "pulumi-language-nodejs-runner"), args...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the Node.js runner: %w", err)
	}
	lines := bufio.NewReader(stdout)
	port, err := lines.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("reading the Node.js runner's port: %w", err)
	}
	go func() { _, _ = io.Copy(os.Stdout, lines) }()
	return &runnerProcess{Cmd: cmd, address: "127.0.0.1:" + strings.TrimSpace(port)}, nil
}

// forward relays one call, unary or streaming, to the runner as raw bytes.
func forward(server grpc.ServerStream, conn *grpc.ClientConn, method string) error {
	ctx, cancel := context.WithCancel(server.Context())
	defer cancel()
	desc := &grpc.StreamDesc{ServerStreams: true, ClientStreams: true}
	client, err := conn.NewStream(ctx, desc, method, grpc.ForceCodecV2(rawCodec{}))
	if err != nil {
		return err
	}
	requests := make(chan error, 1)
	go func() {
		for {
			var frame rawFrame
			if err := server.RecvMsg(&frame); err != nil {
				_ = client.CloseSend()
				if errors.Is(err, io.EOF) {
					err = nil
				}
				requests <- err
				return
			}
			if err := client.SendMsg(&frame); err != nil {
				requests <- nil
				return
			}
		}
	}()
	if header, err := client.Header(); err == nil {
		_ = server.SendHeader(header)
	}
	for {
		var frame rawFrame
		if err := client.RecvMsg(&frame); err != nil {
			server.SetTrailer(client.Trailer())
			if errors.Is(err, io.EOF) {
				return <-requests
			}
			return err
		}
		if err := server.SendMsg(&frame); err != nil {
			return err
		}
	}
}

// serveGenerateProgram binds the PCL program against the CLI's schema loader and generates TypeScript.
func serveGenerateProgram(stream grpc.ServerStream) error {
	var frame rawFrame
	if err := stream.RecvMsg(&frame); err != nil {
		return err
	}
	var req pulumirpc.GenerateProgramRequest
	if err := proto.Unmarshal(frame, &req); err != nil {
		return err
	}
	resp, err := generate(&req)
	if err != nil {
		return err
	}
	out, err := proto.Marshal(resp)
	if err != nil {
		return err
	}
	reply := rawFrame(out)
	return stream.SendMsg(&reply)
}

func generate(req *pulumirpc.GenerateProgramRequest) (*pulumirpc.GenerateProgramResponse, error) {
	loader, err := schema.NewLoaderClient(req.LoaderTarget)
	if err != nil {
		return nil, err
	}
	defer loader.Close()
	parser := hclsyntax.NewParser()
	for path, contents := range req.Source {
		if err := parser.ParseFile(strings.NewReader(contents), path); err != nil {
			return nil, err
		}
		if parser.Diagnostics.HasErrors() {
			return nil, parser.Diagnostics
		}
	}
	options := []pcl.BindOption{pcl.PreferOutputVersionedInvokes}
	if !req.Strict {
		options = append(options, pcl.NonStrictBindOptions()...)
	}
	program, diags, err := pcl.BindProgram(parser.Files, schema.NewCachedLoader(loader), options...)
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() || program == nil {
		return &pulumirpc.GenerateProgramResponse{Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(diags)}, nil
	}
	files, generated, err := codegen.GenerateProgram(program)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GenerateProgramResponse{
		Source:      files,
		Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(append(diags, generated...)),
	}, nil
}

// rawFrame is one message as it crosses the wire; rawCodec moves it without decoding it.
type rawFrame []byte

type rawCodec struct{}

func (rawCodec) Name() string { return "proto" }

func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	frame, ok := v.(*rawFrame)
	if !ok {
		return nil, fmt.Errorf("raw codec: cannot marshal %T", v)
	}
	return mem.BufferSlice{mem.SliceBuffer(*frame)}, nil
}

func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	frame, ok := v.(*rawFrame)
	if !ok {
		return fmt.Errorf("raw codec: cannot unmarshal into %T", v)
	}
	*frame = data.Materialize()
	return nil
}
