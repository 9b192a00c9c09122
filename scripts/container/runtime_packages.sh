#!/bin/bash
# Prints the Debian packages holding the shared libraries a binary links (one a line), so
# the runtime image installs exactly those, whatever libraries kvd comes to need.
set -euo pipefail
ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | while read -r lib; do
  # With merged /usr, dpkg knows a file by the path its package installed: try both.
  dpkg -S "$lib" 2>/dev/null || dpkg -S "/usr$lib"
done | cut -d: -f1 | sort -u
