// Command languagehost is the test bed's language host for Node.js, Python and Go: the newest host of each
// that the Go module proxy serves (it runs the programs) behind a gRPC front that answers GeneratePackage and
// GenerateProgram itself with the code generators of the pinned pkg/v3, as the real hosts of that release do.
// Every other call passes through to the old host untouched.
//
// For Node.js it also runs policy packs (RunPlugin of kind analyzer), which the old host cannot (runplugin.go).
//
// The CLI starts it as pulumi-language-LANGUAGE with its flags and the engine's address. The front takes its
// language from that name, starts the old host (pulumi-language-LANGUAGE-runner, beside it) with the same
// arguments (for Python, plus the flag pythonRunnerArgs explains), and prints its own port.
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
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/mem"
)

const (
	generatePackage = "/pulumirpc.LanguageRuntime/GeneratePackage"
	generateProgram = "/pulumirpc.LanguageRuntime/GenerateProgram"
	runPlugin       = "/pulumirpc.LanguageRuntime/RunPlugin"
)

func main() {
	name := strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe")
	if err := run(name, os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

func run(name string, args []string) error {
	codegen, ok := codegens[strings.TrimPrefix(name, "pulumi-language-")]
	if !ok {
		return fmt.Errorf("no code generator for %q: name the binary pulumi-language-nodejs, -python or -go", name)
	}
	if name == "pulumi-language-python" {
		var err error
		if args, err = pythonRunnerArgs(args); err != nil {
			return err
		}
	}
	runner, err := startRunner(name, args)
	if err != nil {
		return err
	}
	defer func() { _ = runner.Process.Kill() }()
	go exitWhenOrphaned(runner)
	conn, err := grpc.NewClient(runner.address, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return fmt.Errorf("connecting to %s-runner at %s: %w", name, runner.address, err)
	}
	defer conn.Close()

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	server := newFront(name, codegen, conn)
	fmt.Println(listener.Addr().(*net.TCPAddr).Port)
	go func() {
		_ = runner.Wait()
		server.Stop()
	}()
	return server.Serve(listener)
}

// exitWhenOrphaned ends the front, and its runner with it, once the CLI that started the front is gone
// (killed, or dead of SIGPIPE): the front is then re-parented. Left alone, the runner would notice only at
// its health check of the engine, five minutes apart.
func exitWhenOrphaned(runner *runnerProcess) {
	parent := os.Getppid()
	for range time.Tick(time.Second) {
		if os.Getppid() != parent {
			_ = runner.Process.Kill()
			os.Exit(0)
		}
	}
}

// newFront is the front's server: the calls it answers itself, and every other call relayed to the runner.
func newFront(name string, codegen codegen, conn *grpc.ClientConn) *grpc.Server {
	return grpc.NewServer(
		grpc.ForceServerCodecV2(rawCodec{}),
		grpc.UnknownServiceHandler(func(_ any, stream grpc.ServerStream) error {
			method, _ := grpc.MethodFromServerStream(stream)
			switch method {
			case generatePackage:
				return serveGeneratePackage(stream, codegen)
			case generateProgram:
				return serveGenerateProgram(stream, codegen)
			case runPlugin:
				if name == "pulumi-language-nodejs" {
					return serveRunPlugin(stream, conn)
				}
			}
			return forward(stream, conn, method)
		}),
		grpc.MaxRecvMsgSize(400<<20),
		grpc.MaxSendMsgSize(400<<20),
	)
}

// pythonRunnerArgs adds -virtualenv to the Python runner's arguments: Pulumi.yaml's runtime.options.virtualenv,
// as an absolute path. The v3.68.0 host reads that option only from its -virtualenv flag (relative to -root),
// which the CLIs of its day passed; CLI v3.276.0 passes no flags, only the engine's address, and sends the
// options in each request's ProgramInfo instead, which the old host ignores: it would run the first python3
// on PATH, without the program's packages. The CLI starts language hosts in the program's directory (the
// project's, or its `main` folder's), so the project is the Pulumi.yaml found upwards from there, as the CLI
// finds it, and a relative virtualenv is taken from that file's folder, as newer hosts take it. Arguments
// that already have -virtualenv, and directories in no Python project, are left as they are.
func pythonRunnerArgs(args []string) ([]string, error) {
	for _, arg := range args {
		if flag := strings.TrimLeft(arg, "-"); flag != arg && strings.HasPrefix(flag, "virtualenv") {
			return args, nil
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	path, err := workspace.DetectProjectPathFrom(dir)
	if errors.Is(err, workspace.ErrProjectNotFound) {
		return args, nil
	} else if err != nil {
		return nil, err
	}
	project, err := workspace.LoadProject(path)
	if err != nil {
		return nil, err
	}
	venv, _ := project.Runtime.Options()["virtualenv"].(string)
	if project.Runtime.Name() != "python" || venv == "" {
		return args, nil
	}
	if !filepath.IsAbs(venv) {
		venv = filepath.Join(filepath.Dir(path), venv)
	}
	return append([]string{"-virtualenv=" + venv}, args...), nil
}

type runnerProcess struct {
	*exec.Cmd
	address string
}

// startRunner starts the old host with the CLI's arguments and reads its port from its first line.
func startRunner(name string, args []string) (*runnerProcess, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(filepath.Join(filepath.Dir(self), name+"-runner"), args...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s-runner: %w", name, err)
	}
	lines := bufio.NewReader(stdout)
	port, err := lines.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("reading the port of %s-runner: %w", name, err)
	}
	go func() { _, _ = io.Copy(os.Stdout, lines) }()
	return &runnerProcess{Cmd: cmd, address: "127.0.0.1:" + strings.TrimSpace(port)}, nil
}

// forward relays one call, unary or streaming, to the runner as raw bytes: first the frames already read
// from the caller, then the rest.
func forward(server grpc.ServerStream, conn *grpc.ClientConn, method string, read ...rawFrame) error {
	ctx, cancel := context.WithCancel(server.Context())
	defer cancel()
	desc := &grpc.StreamDesc{ServerStreams: true, ClientStreams: true}
	client, err := conn.NewStream(ctx, desc, method, grpc.ForceCodecV2(rawCodec{}))
	if err != nil {
		return err
	}
	for _, frame := range read {
		if err := client.SendMsg(&frame); err != nil {
			return err
		}
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
