#!/usr/bin/env bash
# The test command: set-up (idempotent), build (native shim included) and every test. Used by CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh --tests
# Test assemblies run in parallel on 2 cores: libgomp's default spin-waiting makes each process's OpenMP threads burn
# the cores the others need (measured: workload tests 48 s instead of 10 s). Passive waiting keeps them out of the way.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
dotnet build AlgoPerfSharp.sln -c Release -nologo -clp:ErrorsOnly
dotnet test AlgoPerfSharp.sln -c Release --no-build -nologo --logger "console;verbosity=normal" "$@"
