#!/usr/bin/env bash
# Writes a dependency-only copy of the Cargo workspace: the root Cargo.toml and Cargo.lock, every
# package manifest, every build script, and a stub in place of each target's source file.
#
#   deploy/docker/workspace-skeleton.sh SOURCE_DIR DEST_DIR
#
# `cargo build --release --locked -p scip` in DEST_DIR then compiles exactly the third-party
# crates of the real build. The Dockerfile builds the skeleton in a layer of its own, which
# Docker reuses until a manifest or the lock file changes, so editing SCIP's code recompiles only
# SCIP's own crates. Library stubs are empty; every other target gets `fn main() {}`.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 SOURCE_DIR DEST_DIR" >&2
  exit 2
fi
src=$(cd "$1" && pwd)
dest=$2
[[ -f "$src/Cargo.toml" && -f "$src/Cargo.lock" ]] \
  || { echo "error: $src has no Cargo.toml and Cargo.lock" >&2; exit 1; }
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

write_stub() { # PACKAGE_DIR RELATIVE_PATH
  local target="$dest/$1/$2"
  [[ -e "$target" ]] && return 0
  mkdir -p "$(dirname "$target")"
  case "$2" in
    */lib.rs | lib.rs) : >"$target" ;;
    *) printf 'fn main() {}\n' >"$target" ;;
  esac
}

cp "$src/Cargo.lock" "$dest/Cargo.lock"
for optional in rust-toolchain.toml rust-toolchain .cargo/config.toml; do
  if [[ -f "$src/$optional" ]]; then
    mkdir -p "$(dirname "$dest/$optional")"
    cp "$src/$optional" "$dest/$optional"
  fi
done

cd "$src"
packages=0
while IFS= read -r -d '' manifest; do
  dir=$(dirname "${manifest#./}")
  mkdir -p "$dest/$dir"
  cp "$manifest" "$dest/$dir/Cargo.toml"
  [[ -f "$dir/build.rs" ]] && cp "$dir/build.rs" "$dest/$dir/build.rs"
  # Targets Cargo discovers by convention.
  for conventional in src/lib.rs src/main.rs; do
    [[ -f "$dir/$conventional" ]] && write_stub "$dir" "$conventional"
  done
  for folder in src/bin benches examples tests; do
    [[ -d "$dir/$folder" ]] || continue
    while IFS= read -r -d '' file; do
      write_stub "$dir" "${file#"$dir"/}"
    done < <(find "$dir/$folder" -maxdepth 2 \( -path "$dir/$folder/*.rs" -o -path "$dir/$folder/*/main.rs" \) -type f -print0)
  done
  # Targets whose path the manifest names.
  while IFS= read -r path; do
    write_stub "$dir" "$path"
  done < <(sed -n 's/^[[:space:]]*path[[:space:]]*=[[:space:]]*"\([^"]*\.rs\)".*/\1/p' "$manifest")
  packages=$((packages + 1))
done < <(find . -name Cargo.toml -not -path './target/*' -not -path './.git/*' -not -path '*/target/*' -print0 | sort -z)

echo "workspace skeleton: $packages manifests written to $dest"
