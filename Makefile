# awsamp: every target CI or a newcomer runs. Dependencies come from the lock file only.
SHELL := bash
# The pinned AWS SDK supports Node 20; its notice about future releases is not for our users.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED := true
.DEFAULT_GOAL := build
DEPS := node_modules/.package-lock.json
TSC := node_modules/.bin/tsc
MOCHA := node_modules/.bin/mocha --forbid-only
PLUGIN := bin/pulumi-resource-awsamp

.PHONY: build test lint demo bench emulator clean

$(DEPS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

build: $(DEPS)
	$(TSC) -p tsconfig.json

lint: $(DEPS)
	$(TSC) -p tsconfig.json --noEmit
	node_modules/.bin/biome check .

test: build lint
	$(MOCHA) 'build/tests/**/*.test.js'

demo: build
	node build/scripts/demo.js

emulator: build
	node build/tests/emulator/main.js

# Benchmarks, one run, written to BENCHMARKS.md (`make bench ARGS=policy` runs one).
bench: build
	node build/scripts/bench/run.js $(ARGS)

clean:
	rm -rf build bin dist
