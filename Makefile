# awsamp: every target CI or a newcomer runs. Dependencies come from the lock file only.
SHELL := bash
# The pinned AWS SDK supports Node 20; its notice about future releases is not for our users.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED := true
.DEFAULT_GOAL := build
DEPS := node_modules/.package-lock.json
TSC := node_modules/.bin/tsc
MOCHA := node_modules/.bin/mocha --forbid-only
PLUGIN := bin/pulumi-resource-awsamp
SDK := sdk/nodejs
GEN_SDK := build/scripts/gen-sdk/main.js
SDK_SOURCES := $(shell find $(SDK) -name '*.ts' -not -path '$(SDK)/bin/*' -not -path '*/node_modules/*') $(SDK)/package.json $(SDK)/tsconfig.json
LAUNCHER := provider/plugin/launcher.sh
VERSION = $(shell node -p "require('./package.json').version")
DIST := dist/pulumi-resource-awsamp-v$(VERSION).tar.gz

.PHONY: build test lint demo bench emulator clean sdk sdk-check dist pulumi

# --- the Pulumi CLI ---------------------------------------------------------------------------------------
# The CLI and its Node.js language host, built from the Go module proxy at the versions tools/*/go.mod pin,
# into .tools/bin (git-ignored). Make rebuilds them only when missing or when a pin changes. `PULUMI=…` uses a
# CLI of one's own instead (its language hosts must be installed beside it, as a release installs them).
TOOLS := .tools/bin
PULUMI_VERSION = $(shell sed -n 's|^\tgithub.com/pulumi/pulumi/pkg/v3 \(v[^ ]*\).*|\1|p' tools/pulumi/go.mod)
NODEJS_HOST_VERSION = $(shell sed -n 's|^\tgithub.com/pulumi/pulumi/sdk/v3 \(v[^ ]*\).*|\1|p' tools/pulumi-language-nodejs/go.mod)
VERSION_FLAG := -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version
ifdef PULUMI
PULUMI_TOOLS :=
else
PULUMI := $(abspath $(TOOLS)/pulumi)
PULUMI_TOOLS := $(TOOLS)/pulumi $(TOOLS)/pulumi-language-nodejs $(TOOLS)/pulumi-resource-pulumi-nodejs
endif
export PULUMI

pulumi: $(PULUMI_TOOLS)
	@echo "pulumi $$($(PULUMI) version) at $(PULUMI)"
	@[ -z "$(PULUMI_TOOLS)" ] || echo "pulumi-language-nodejs $(NODEJS_HOST_VERSION) at $(abspath $(TOOLS))/pulumi-language-nodejs"

$(TOOLS)/pulumi: tools/pulumi/go.mod tools/pulumi/go.sum
	cd tools/pulumi && go build -trimpath -ldflags "$(VERSION_FLAG)=$(PULUMI_VERSION)" -o $(abspath $@) github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

$(TOOLS)/pulumi-language-nodejs: tools/pulumi-language-nodejs/go.mod tools/pulumi-language-nodejs/go.sum
	cd tools/pulumi-language-nodejs && go build -trimpath -ldflags "$(VERSION_FLAG)=$(NODEJS_HOST_VERSION)" -o $(abspath $@) github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs

# The dynamic-provider plugin is a script @pulumi/pulumi ships; the CLI looks for it beside itself.
$(TOOLS)/pulumi-resource-pulumi-nodejs: $(DEPS)
	@mkdir -p $(TOOLS)
	cp node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs $@
	chmod +x $@

$(DEPS): package.json package-lock.json $(SDK)/package.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The SDK is generated from schema.json (`make sdk`, then commit it) and compiled to $(SDK)/bin before the
# tree, whose tests and examples import it as @awsamp/awsamp (an npm workspace).
build: $(DEPS) $(SDK)/bin/index.js
	$(TSC) -p tsconfig.json
	@mkdir -p bin
	sed 's|@MAIN@|../build/provider/plugin/main.js|' $(LAUNCHER) > $(PLUGIN)
	chmod +x $(PLUGIN)

$(SDK)/bin/index.js: $(DEPS) $(SDK_SOURCES)
	$(TSC) -p $(SDK)/tsconfig.json
	@touch $@

# The generator compiles on its own, so `make sdk` works while the tree does not compile.
$(GEN_SDK): $(DEPS) $(wildcard scripts/gen-sdk/*.ts) scripts/gen-sdk/tsconfig.json
	$(TSC) -p scripts/gen-sdk/tsconfig.json

sdk: $(GEN_SDK)
	node $(GEN_SDK)

# Fails when the committed SDK is not what the generator makes of schema.json and the core.
sdk-check: $(GEN_SDK)
	node $(GEN_SDK) --check

lint: $(DEPS)
	$(TSC) -p tsconfig.json --noEmit
	node_modules/.bin/biome check .

# The end-to-end tests drive the CLI: built first where Go is; elsewhere they skip, saying why (under
# CI=true they fail instead).
test: build lint sdk-check $(if $(shell command -v go),pulumi)
	$(MOCHA) 'build/tests/**/*.test.js'

demo: build
	node build/scripts/demo.js

emulator: build
	node build/tests/emulator/main.js

# A tarball for `pulumi plugin install resource awsamp $(VERSION) -f $(DIST)`: the launcher at its root, the
# compiled provider, and the production node_modules (pure JavaScript, so one tarball serves every platform;
# node must be on PATH where it runs).
dist: build
	rm -rf dist/stage && mkdir -p dist/stage/build
	cp -R build/provider dist/stage/build/provider
	cp build/package.json build/schema.json dist/stage/build/
	cp package.json package-lock.json dist/stage/
	cp -R node_modules dist/stage/node_modules
	cd dist/stage && npm prune --omit=dev --omit=optional --no-audit --no-fund --loglevel=error
	find dist/stage/node_modules -mindepth 1 -maxdepth 1 -type d -empty -delete
	sed 's|@MAIN@|build/provider/plugin/main.js|' $(LAUNCHER) > dist/stage/pulumi-resource-awsamp
	chmod +x dist/stage/pulumi-resource-awsamp
	tar -czf $(DIST) -C dist/stage .
	rm -rf dist/stage
	@echo "$(DIST): install it with: pulumi plugin install resource awsamp $(VERSION) -f $(DIST)"

# Benchmarks, one run, written to BENCHMARKS.md (`make bench ARGS=policy` runs one).
bench: build
	node build/scripts/bench/run.js $(ARGS)

clean:
	rm -rf build bin dist $(SDK)/bin
