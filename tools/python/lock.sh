#!/usr/bin/env bash
# Writes tools/python/requirements.txt, the lock `make python` installs .tools/python from, from
# requirements.in and the generated SDK's own dependencies (sdk/python/pyproject.toml): every package at an
# exact version with its hashes, for the Python that runs it (markers are resolved for that Python: 3.11
# when this was last run). pip-tools runs from a throwaway venv, so nothing of it stays behind.
# Run it after changing requirements.in, or after `make sdk` changed the SDK's dependencies.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
"$PYTHON" -m venv "$venv"
"$venv/bin/pip" install --quiet pip-tools==7.6.2
args=(--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
  --output-file tools/python/requirements.txt tools/python/requirements.in sdk/python/pyproject.toml)
# pip-compile writes the command into the lock's header; name the whole of it, with where pip-tools came from.
CUSTOM_COMPILE_COMMAND="tools/python/lock.sh, i.e. pip-compile ${args[*]} (pip-tools 7.6.2 in a throwaway venv)" \
  "$venv/bin/pip-compile" --quiet "${args[@]}"
