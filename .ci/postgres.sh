#!/usr/bin/env bash
# A throw-away PostgreSQL server from Debian's package, for the storage tests (not a mock).
#   .ci/postgres.sh start DIR   -> initdb into DIR, start on a free 127.0.0.1 port, create a database,
#                                  print its URL (postgresql://postgres@127.0.0.1:PORT/stridelens_test)
#   .ci/postgres.sh stop DIR
# As root (CI) the server runs as the `postgres` user; otherwise as the calling user.
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?data folder}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pgbin" ]; then
  echo "postgres.sh: no PostgreSQL under /usr/lib/postgresql (apt-get install postgresql)" >&2
  exit 1
fi
as_owner() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}
case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$pgbin/initdb -D '$dir/data' -A trust -U postgres --no-sync" >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$pgbin/pg_ctl -D '$dir/data' -l '$dir/server.log' -w -t 60 -o \"-p $port -k '$dir' \
      -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start" \
      >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$pgbin/createdb -h 127.0.0.1 -p $port -U postgres stridelens_test"
    echo "postgresql://postgres@127.0.0.1:$port/stridelens_test"
    ;;
  stop)
    [ -d "$dir/data" ] && as_owner "$pgbin/pg_ctl -D '$dir/data' -m fast -w stop" >/dev/null || true
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
