#!/usr/bin/env bash
# The test command: set-up (idempotent), build (native shim included) and every test. Used by CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh --tests
dotnet build AlgoPerfSharp.sln -c Release -nologo -clp:ErrorsOnly
dotnet test AlgoPerfSharp.sln -c Release --no-build -nologo --logger "console;verbosity=normal" "$@"
