#!/usr/bin/env bash
# Runs the build steps of deploy/Dockerfile outside Docker, with the same commands, in a
# temporary folder: copy the build context, make the dependency skeleton, build it (the cached
# dependency layer), lay the real sources over it, touch them, build `scip` with
# `--release --locked`, strip it and run `scip --version`. Use it where no Docker engine runs
# to prove the image would build; it needs the Rust toolchain of the Dockerfile's builder image.
#
# Usage: deploy/check-dockerfile-steps.sh [--no-build] [--keep]
#   --no-build   stop after preparing the skeleton and checking both workspaces resolve
#                with the locked dependencies (seconds instead of minutes)
#   --keep       keep the temporary folder (it holds target/, several GB)
#
# Expect about 7-10 minutes on 2 idle cores for a first run (the dependency build dominates;
# a warm ~/.cargo registry saves only the downloads). CARGO_BUILD_JOBS limits parallelism.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dockerfile=$repo/deploy/Dockerfile
build=true
keep=false
while [[ $# -gt 0 ]]; do
  case $1 in
    --no-build) build=false; shift ;;
    --keep) keep=true; shift ;;
    -h | --help) sed -n '2,15s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "error: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

say() { printf '==> %s\n' "$*"; }
fail() { echo "FAILED: $*" >&2; exit 1; }

# The toolchain must be the one of the builder image (FROM rust:X.Y.Z-...).
wanted=$(sed -n 's/^FROM rust:\([0-9][0-9.]*\)-.* AS builder$/\1/p' "$dockerfile")
[[ -n $wanted ]] || fail "no 'FROM rust:X.Y.Z-... AS builder' line in $dockerfile"
have=$(rustc --version | awk '{print $2}')
if [[ $have != "$wanted" ]]; then
  echo "warning: rustc $have here, the Dockerfile builds with rust $wanted" >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/scip-dockerfile-steps.XXXXXX")
cleanup() {
  if [[ $keep == true ]]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
export CARGO_TERM_COLOR=never CARGO_INCREMENTAL=0
unset CARGO_TARGET_DIR

# Build context: the repository less what .dockerignore leaves out (deployment files and
# scripts included, so a build that needed them would fail here as in Docker).
say "copying the build context to $work/context"
mkdir -p "$work/context/deploy/docker"
tar -C "$repo" --exclude=./target --exclude=./.git --exclude=./.ci --exclude=./data \
  --exclude=./backups --exclude=./deploy --exclude=./scripts --exclude='*.db' \
  --exclude=.env -cf - . | tar -C "$work/context" -xf -
cp "$repo/deploy/docker/workspace-skeleton.sh" "$work/context/deploy/docker/"

# Stage `skeleton`: RUN bash deploy/docker/workspace-skeleton.sh /src /skeleton
say "stage skeleton: workspace-skeleton.sh"
(cd "$work/context" && bash deploy/docker/workspace-skeleton.sh "$work/context" "$work/skeleton")

# Stage `builder`, WORKDIR /src: COPY --from=skeleton /skeleton/ ./
mkdir -p "$work/src"
cp -a "$work/skeleton/." "$work/src/"
cd "$work/src"

if [[ $build == false ]]; then
  say "checking the skeleton resolves with Cargo.lock (--locked)"
  cargo metadata --locked --format-version 1 >/dev/null || fail "skeleton workspace"
  cp -a "$work/context/." "$work/src/"
  say "checking the full workspace resolves with Cargo.lock (--locked)"
  cargo metadata --locked --format-version 1 >/dev/null || fail "full workspace"
  say "skeleton and workspace OK (build skipped: --no-build)"
  exit 0
fi

started=$SECONDS
say "builder: RUN cargo build --release --locked -p scip   (dependencies)"
cargo build --release --locked -p scip || fail "dependency layer build"
deps_done=$SECONDS

# COPY . .
say "builder: COPY . . and touch the sources"
cp -a "$work/context/." "$work/src/"
find crates bench -name '*.rs' -exec touch {} +

say "builder: RUN cargo build --release --locked -p scip   (SCIP)"
cargo build --release --locked -p scip || fail "scip build"
strip --strip-all target/release/scip || fail "strip"
version=$(target/release/scip --version) || fail "scip --version"
install -D -m 0755 target/release/scip "$work/out/scip"

say "built: $version, $(du -h "$work/out/scip" | cut -f1) stripped"
say "dependency layer $((deps_done - started)) s, SCIP $((SECONDS - deps_done)) s"
