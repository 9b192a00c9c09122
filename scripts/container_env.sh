#!/usr/bin/env bash
# Sourced by the container scripts: points podman at the project's containers.conf and
# storage.conf (scripts/container/), which make rootful podman work on a machine without
# systemd or container networking. Usage: source scripts/container_env.sh
_kvd_container_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/container" && pwd)"
export CONTAINERS_STORAGE_CONF="$_kvd_container_dir/storage.conf"
export CONTAINERS_CONF="$_kvd_container_dir/containers.conf"

# The file's ulimits must not exceed this machine's hard limits; on a machine with lower
# ones, use a copy with the limits lowered to fit.
_kvd_nofile=$(ulimit -Hn)
_kvd_nproc=$(ulimit -Hu)
_kvd_pid_max=$(cat /proc/sys/kernel/pid_max 2>/dev/null || echo 32768)
[ "$_kvd_nproc" = unlimited ] && _kvd_nproc=$_kvd_pid_max
[ "$_kvd_nproc" -gt "$_kvd_pid_max" ] && _kvd_nproc=$_kvd_pid_max
[ "$_kvd_nofile" = unlimited ] && _kvd_nofile=16384
if [ "$_kvd_nofile" -lt 16384 ] || [ "$_kvd_nproc" -lt 16384 ]; then
  _kvd_conf="${TMPDIR:-/tmp}/kvd-containers-$(id -u).conf"
  sed -e "s/\"nofile=16384:16384\"/\"nofile=$_kvd_nofile:$_kvd_nofile\"/" \
      -e "s/\"nproc=16384:16384\"/\"nproc=$_kvd_nproc:$_kvd_nproc\"/" \
      "$_kvd_container_dir/containers.conf" >"$_kvd_conf"
  export CONTAINERS_CONF="$_kvd_conf"
fi
unset _kvd_container_dir _kvd_nofile _kvd_nproc _kvd_pid_max _kvd_conf
