#!/usr/bin/env bash
# The main job: set-up (idempotent), build, then run the algoperf CLI (by default its demo). Extra arguments go to
# the CLI, e.g. ./run.sh info
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
dotnet build harness/AlgoPerfSharp.Harness -c Release -nologo -clp:ErrorsOnly
if [ "$#" -eq 0 ]; then set -- demo; fi
exec dotnet harness/AlgoPerfSharp.Harness/bin/Release/net10.0/algoperf.dll "$@"
