#!/usr/bin/env bash
# Prints the Debian archive this machine's apt already uses (the first URI that serves the main
# archive, not the security one), so scripts take the mirror from the machine instead of naming
# one. Reads deb822 files in /etc/apt/sources.list.d/ and one-line entries in /etc/apt/sources.list.
# Exit 1 with a message when none is configured: set DEBIAN_MIRROR then.
set -euo pipefail
apt_dir=${APT_DIR:-/etc/apt}

mirror=$(
  {
    # deb822: "URIs: <uri> [<uri> ...]"
    for f in "$apt_dir"/sources.list.d/*.sources; do
      [ -f "$f" ] && sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' "$f"
    done
    # one-line format: "deb [options] <uri> <suite> <components>"
    for f in "$apt_dir"/sources.list "$apt_dir"/sources.list.d/*.list; do
      [ -f "$f" ] && sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\).*/\2/p' "$f"
    done
  } 2>/dev/null | grep -v -- '-security' | grep -E '^https?://' | head -n 1
) || true # head closing the pipe early is not a failure

if [ -z "$mirror" ]; then
  echo "debian-mirror: no Debian archive found in $apt_dir/sources.list{,.d}; set DEBIAN_MIRROR" >&2
  exit 1
fi
printf '%s\n' "${mirror%/}"
