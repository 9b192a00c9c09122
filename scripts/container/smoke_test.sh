#!/bin/bash
# The build stage's quick test of the freshly built binary: it starts on a free port, answers
# PING, SET and GET over bash's /dev/tcp, and exits 0 on SIGTERM.
set -euo pipefail
kvd=$1
"$kvd" --version
dir=$(mktemp -d)
"$kvd" --port 0 --bind 127.0.0.1 --dir "$dir" --save "" >"$dir/log" 2>&1 &
pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/.*Running mode=standalone, port=\([0-9]*\).*/\1/p' "$dir/log")
  grep -q "Ready to accept connections" "$dir/log" && [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$dir/log"; exit 1; }
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'PING\r\nSET k hello\r\nGET k\r\n' >&3
expected=("+PONG" "+OK" "\$5" "hello")
for want in "${expected[@]}"; do
  IFS= read -r -t 5 line <&3
  [ "${line%$'\r'}" = "$want" ] || { echo "smoke test: got '$line', want '$want'"; exit 1; }
done
exec 3>&-
kill -TERM "$pid"
wait "$pid"
rm -rf "$dir"
echo "smoke test: ok"
