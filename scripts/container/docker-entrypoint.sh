#!/bin/sh
# The image's entrypoint, following the official Redis image's conventions:
#   <image> --appendonly yes                   kvd with these options
#   <image> /usr/local/etc/kvd/kvd.conf [...]  kvd with a mounted config file (first argument)
#   <image> bash                               anything else runs as given
set -e

if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- kvd "$@"
fi

if [ "$1" = kvd ]; then
  shift
  conf=""
  if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    conf=$1
    shift
  fi
  # kvd listens on loopback only by default, which no one outside the container can reach.
  # Listen on every address unless the config file names its own; a --bind given on the
  # command line comes later and wins.
  if [ -n "$conf" ] && grep -qiE '^[[:space:]]*bind[[:space:]]' "$conf"; then
    set -- kvd "$conf" "$@"
  elif [ -n "$conf" ]; then
    set -- kvd "$conf" --bind '*' '-::*' "$@"
  else
    set -- kvd --bind '*' '-::*' "$@"
  fi
fi

exec "$@"
