// The two calls the front answers itself: GeneratePackage (`pulumi package gen-sdk`) and GenerateProgram
// (`pulumi import`), each with the pinned pkg/v3's code generator for the front's language.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	hclsyntax "github.com/pulumi/pulumi/pkg/v3/codegen/hcl2/syntax"
	nodejsgen "github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/pcl"
	pythongen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
)

// A codegen is one language's generators, called as that language's host of the pinned release calls them.
type codegen struct {
	pkg     func(pkg *schema.Package, req *pulumirpc.GeneratePackageRequest, loader schema.ReferenceLoader) (map[string][]byte, error)
	program func(program *pcl.Program) (map[string][]byte, hcl.Diagnostics, error)
}

var codegens = map[string]codegen{
	"nodejs": {
		pkg: func(pkg *schema.Package, req *pulumirpc.GeneratePackageRequest, loader schema.ReferenceLoader) (map[string][]byte, error) {
			return nodejsgen.GeneratePackage("pulumi-language-nodejs", pkg, req.ExtraFiles, req.LocalDependencies, req.Local, loader)
		},
		program: nodejsgen.GenerateProgram,
	},
	"python": {
		pkg: func(pkg *schema.Package, req *pulumirpc.GeneratePackageRequest, loader schema.ReferenceLoader) (map[string][]byte, error) {
			return pythongen.GeneratePackage("pulumi-language-python", pkg, req.ExtraFiles, loader)
		},
		program: pythongen.GenerateProgram,
	},
	"go": {
		pkg: func(pkg *schema.Package, req *pulumirpc.GeneratePackageRequest, _ schema.ReferenceLoader) (map[string][]byte, error) {
			if len(req.ExtraFiles) > 0 {
				return nil, errors.New("overlays are not supported for Go")
			}
			return gogen.GeneratePackage("pulumi-language-go", pkg, req.LocalDependencies)
		},
		program: gogen.GenerateProgram,
	},
}

func serveGeneratePackage(stream grpc.ServerStream, gen codegen) error {
	return serveUnary(stream, func(req *pulumirpc.GeneratePackageRequest) (proto.Message, error) {
		return generatePackageFiles(req, gen)
	})
}

func serveGenerateProgram(stream grpc.ServerStream, gen codegen) error {
	return serveUnary(stream, func(req *pulumirpc.GenerateProgramRequest) (proto.Message, error) {
		return generateProgramFiles(req, gen)
	})
}

// serveUnary decodes the one request of a unary call, answers it and encodes the answer.
func serveUnary[Req any, PReq interface {
	*Req
	proto.Message
}](stream grpc.ServerStream, answer func(PReq) (proto.Message, error)) error {
	var frame rawFrame
	if err := stream.RecvMsg(&frame); err != nil {
		return err
	}
	req := PReq(new(Req))
	if err := proto.Unmarshal(frame, req); err != nil {
		return err
	}
	resp, err := answer(req)
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

// generatePackageFiles binds the schema against the CLI's loader and writes the SDK into the request's folder.
func generatePackageFiles(req *pulumirpc.GeneratePackageRequest, gen codegen) (*pulumirpc.GeneratePackageResponse, error) {
	loader, err := schema.NewLoaderClient(req.LoaderTarget)
	if err != nil {
		return nil, err
	}
	defer loader.Close()
	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.Schema), &spec); err != nil {
		return nil, err
	}
	cached := schema.NewCachedLoader(loader)
	pkg, diags, err := schema.BindSpec(spec, cached, schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return &pulumirpc.GeneratePackageResponse{Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(diags)}, nil
	}
	files, err := gen.pkg(pkg, req, cached)
	if err != nil {
		return nil, err
	}
	for name, data := range files {
		path := filepath.Join(req.Directory, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("creating %s: %w", filepath.Dir(path), err)
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return nil, fmt.Errorf("writing %s: %w", path, err)
		}
	}
	return &pulumirpc.GeneratePackageResponse{Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(diags)}, nil
}

// generateProgramFiles binds the PCL program against the CLI's schema loader and generates its source.
func generateProgramFiles(req *pulumirpc.GenerateProgramRequest, gen codegen) (*pulumirpc.GenerateProgramResponse, error) {
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
	files, generated, err := gen.program(program)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GenerateProgramResponse{
		Source:      files,
		Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(append(diags, generated...)),
	}, nil
}
