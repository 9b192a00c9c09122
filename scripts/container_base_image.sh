#!/usr/bin/env bash
# Makes the base image localhost/debian:bookworm with debootstrap, for machines that cannot
# reach an image registry (the Dockerfile's default BASE_IMAGE). The Debian mirror is the one
# this machine's apt uses, read at run time. Does nothing when the image exists (--force
# rebuilds it). Needs root, debootstrap and podman (scripts/bootstrap.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/container_env.sh

image=localhost/debian:bookworm
if [ "${1:-}" != --force ] && podman image exists "$image"; then
  exit 0
fi

# Prints the first URI apt uses for suite $1 (deb822 .sources files, then one-line lists).
apt_uri() {
  local suite=$1 f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    # A stanza is a run of non-empty lines; take URIs from one whose Suites names the suite.
    awk -v suite="$suite" '
      /^[[:space:]]*#/ { next }
      /^[[:space:]]*$/ { if (match_suite && uri != "") { print uri; done = 1; exit }
                     uri = ""; match_suite = 0; next }
      tolower($1) == "uris:" { uri = $2 }
      tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == suite) match_suite = 1 }
      END { if (!done && match_suite && uri != "") print uri }
    ' "$f"
  done
  { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } |
    awk -v suite="$suite" '$1 == "deb" { s = 3; if ($2 ~ /^\[/) { while ($(s-1) !~ /\]$/) s++ }
                            if ($s == suite) print $(s-1) }'
}

mirror=$(apt_uri bookworm | head -n1)
security=$(apt_uri bookworm-security | head -n1)
if [ -z "$mirror" ]; then
  echo "container_base_image: no bookworm source in /etc/apt; cannot choose a mirror" >&2
  exit 1
fi

rootfs=$(mktemp -d /var/tmp/kvd-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
echo "container_base_image: debootstrap bookworm from $mirror"
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null

{
  printf 'Types: deb\nURIs: %s\nSuites: bookworm bookworm-updates\nComponents: main\n' "$mirror"
  printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
  if [ -n "$security" ]; then
    printf '\nTypes: deb\nURIs: %s\nSuites: bookworm-security\nComponents: main\n' "$security"
    printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
  fi
} >"$rootfs/etc/apt/sources.list.d/debian.sources"
rm -f "$rootfs/etc/apt/sources.list"
# As the official image: no package lists or downloaded packages in the layer.
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin \
  "$rootfs"/var/cache/apt/archives/*.deb

tar --numeric-owner -C "$rootfs" -c . |
  podman import --quiet --change 'CMD ["bash"]' - "$image" >/dev/null
echo "container_base_image: made $image"
