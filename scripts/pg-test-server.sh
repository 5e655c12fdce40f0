#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests (and for trying transdesk on PostgreSQL).
#
#   bash scripts/pg-test-server.sh start [DIR]   # initdb + start; prints the env lines
#   bash scripts/pg-test-server.sh env   [DIR]   # the env lines again
#   bash scripts/pg-test-server.sh stop  [DIR]   # stop the server and delete DIR
#   eval "$(bash scripts/pg-test-server.sh start)"
#
# The server listens on 127.0.0.1 only, on a free port, with no unix socket; every login
# needs its password (scram-sha-256). The superuser `transdesk_test` gets a random password
# kept in DIR/pgpass, which libpq reads through PGPASSFILE: the URL carries no password.
# initdb refuses to run as root, so as root the server runs as the `postgres` system user.
# DIR defaults to ${TMPDIR:-/tmp}/transdesk-pg-$(id -u).
set -euo pipefail

command="${1:-}"
dir="${2:-${TMPDIR:-/tmp}/transdesk-pg-$(id -u)}"
superuser=transdesk_test

pg_bin() {
    local bin
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [[ -z "$bin" ]]; then
        echo "pg-test-server: no PostgreSQL under /usr/lib/postgresql (apt-get install postgresql)" >&2
        exit 2
    fi
    echo "$bin"
}

# as_server CMD...: run a server command as the user that owns the data directory.
as_server() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    if [[ -f "$dir/env" ]]; then
        echo "pg-test-server: already running in $dir (stop it first)" >&2
        exit 1
    fi
    local bin port password
    bin="$(pg_bin)"
    mkdir -p "$dir"
    chmod 700 "$dir"
    password="$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
    umask 077
    printf '%s\n' "$password" > "$dir/superuser-password"
    if [[ "$(id -u)" == 0 ]]; then
        chown -R postgres: "$dir"
    fi
    as_server "$bin/initdb" -D "$dir/data" -U "$superuser" --pwfile="$dir/superuser-password" \
        --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    rm -f "$dir/superuser-password"
    port="$(free_port)"
    # fsync off: a test server loses nothing that matters on a crash, and runs faster
    as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='' \
            -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
            -c max_connections=200" start >/dev/null || {
        cat "$dir/server.log" >&2
        exit 1
    }
    # the pgpass file belongs to whoever runs the tests (libpq refuses one others can read)
    printf '127.0.0.1:%s:*:%s:%s\n' "$port" "$superuser" "$password" > "$dir/pgpass.tmp"
    chmod 600 "$dir/pgpass.tmp"
    if [[ "$(id -u)" == 0 ]]; then chown root: "$dir/pgpass.tmp"; fi
    mv "$dir/pgpass.tmp" "$dir/pgpass"
    cat > "$dir/env" <<EOF
export TRANSDESK_TEST_PG=postgresql://$superuser@127.0.0.1:$port/postgres
export TRANSDESK_TEST_PGPASSFILE=$dir/pgpass
export TRANSDESK_TEST_PG_DIR=$dir
EOF
    cat "$dir/env"
}

stop() {
    if [[ ! -d "$dir/data" ]]; then
        rm -rf "$dir"
        return 0
    fi
    as_server "$(pg_bin)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}

case "$command" in
    start) start ;;
    env) cat "$dir/env" ;;
    stop) stop ;;
    *)
        echo "usage: bash scripts/pg-test-server.sh start|env|stop [DIR]" >&2
        exit 2
        ;;
esac
