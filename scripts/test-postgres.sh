#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for the tests, owned by the caller.
#
#   eval "$(bash scripts/test-postgres.sh start)"   # exports SKEIN_TEST_POSTGRES_URL and SKEIN_TEST_POSTGRES_DIR
#   bash scripts/test-postgres.sh stop "$SKEIN_TEST_POSTGRES_DIR"
#
# initdb refuses to run as root, so as root the cluster belongs to the `postgres` user (created
# by Debian's postgresql package); otherwise to the current user. Logins over TCP need the
# generated password (scram-sha-256). fsync is off: the cluster is deleted after the run.
set -euo pipefail
bin=/usr/lib/postgresql/15/bin

as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  start)
    [ -x "$bin/initdb" ] || { echo "PostgreSQL 15 is not installed ($bin/initdb missing); scripts/test.sh installs it" >&2; exit 1; }
    dir=$(mktemp -d /tmp/skein-test-pg.XXXXXX)
    password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
    printf '%s' "$password" > "$dir/pwfile"
    [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$dir"
    chmod 700 "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=trust \
      --auth-host=scram-sha-256 --pwfile="$dir/pwfile" >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # postgres cannot bind port 0 and report its port: take a port that is free now, and another
    # one if something else (a server, or any outgoing connection) takes it before postgres binds.
    started=
    for attempt in $(seq 1 20); do
      port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
      rm -f "$dir/postgres.log"
      if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 120 \
           -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400 -c shared_buffers=64MB" start >/dev/null; then
        started=yes
        break
      fi
      grep -q "Address already in use" "$dir/postgres.log" 2>/dev/null || { cat "$dir/postgres.log" >&2; exit 1; }
    done
    [ -n "$started" ] || { echo "PostgreSQL found no free port in 20 attempts" >&2; exit 1; }
    as_owner "$bin/psql" -X -q -h "$dir" -p "$port" -U postgres -d postgres -c "CREATE DATABASE skein_test" >/dev/null
    echo "export SKEIN_TEST_POSTGRES_URL=postgres://postgres:$password@127.0.0.1:$port/skein_test"
    echo "export SKEIN_TEST_POSTGRES_DIR=$dir"
    ;;
  stop)
    dir=${2:?the cluster directory printed by start}
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
