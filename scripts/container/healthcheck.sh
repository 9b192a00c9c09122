#!/bin/bash
# The image's HEALTHCHECK: PING kvd over bash's /dev/tcp, so the image needs no client.
# Healthy when kvd answers +PONG, or -NOAUTH (it serves, a password is required); -LOADING
# (still reading its dataset) or no answer is unhealthy. The port is KVD_HEALTHCHECK_PORT,
# else the one kvd (process 1) was started with: its --port option, else the port line of
# its config file (its first argument), else 6379.
port=${KVD_HEALTHCHECK_PORT:-}
if [ -z "$port" ] && mapfile -d '' args </proc/1/cmdline 2>/dev/null; then
  if [ ${#args[@]} -gt 1 ] && [ "${args[1]#-}" = "${args[1]}" ] && [ -r "${args[1]}" ]; then
    port=$(awk 'tolower($1) == "port" { p = $2 } END { print p }' "${args[1]}")
  fi
  for ((i = 1; i + 1 < ${#args[@]}; i++)); do
    [ "${args[i]}" = --port ] && port=${args[i + 1]}
  done
fi
port=${port:-6379}

exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'PING\r\n' >&3
IFS= read -r -t 5 reply <&3 || { echo "no reply from 127.0.0.1:$port"; exit 1; }
reply=${reply%$'\r'}
case $reply in
  +PONG | -NOAUTH*) exit 0 ;;
esac
echo "kvd answered: $reply"
exit 1
