#!/usr/bin/env bash
# Packs what a plugin author builds against into a local NuGet feed folder (default artifacts/feed):
# AlgoPerfSharp.Contracts, .Optimizers and .Torch (versioned with the plugin contract: 2.0.0 for contract version 2)
# and AlgoPerfSharp.Templates (`dotnet new algoperf-plugin`). Then prints how to start a plugin from the template.
# Usage: scripts/pack.sh [FEED_FOLDER]    (ALGOPERF_PACK_NO_BUILD=1: pack the libraries' existing Release build)
set -euo pipefail
cd "$(dirname "$0")/.."
feed=$(realpath -m "${1:-artifacts/feed}")
mkdir -p "$feed"
nobuild=()
if [ "${ALGOPERF_PACK_NO_BUILD:-}" = 1 ]; then nobuild=(--no-build); fi
for p in contracts/AlgoPerfSharp.Contracts optimizers/AlgoPerfSharp.Optimizers torch/AlgoPerfSharp.Torch; do
  dotnet pack "$p" -c Release -o "$feed" "${nobuild[@]}" -nologo -clp:ErrorsOnly -v quiet
done
dotnet pack templates/AlgoPerfSharp.Templates.csproj -c Release -o "$feed" -nologo -clp:ErrorsOnly -v quiet
template=$(ls "$feed"/AlgoPerfSharp.Templates.*.nupkg | sort -V | tail -1)
cat <<MSG
packages in $feed:
$(ls "$feed" | sed 's/^/  /')
start a plugin:
  dotnet new install $template
  dotnet new algoperf-plugin -n MyOptimizer --feed $feed
  cd MyOptimizer && dotnet test MyOptimizer.Tests
MSG
