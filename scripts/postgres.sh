# Sourced by test.sh: a throw-away PostgreSQL server on loopback for the store's tests (Debian package).
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PGPORT=54329
PGDATA="${TMPDIR:-/tmp}/frontmap-test-postgres"
if ! "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"; then
  rm -rf "$PGDATA" && mkdir -p "$PGDATA" && chown postgres "$PGDATA"
  su postgres -c "$PGBIN/initdb -D $PGDATA -A trust -U postgres" >/dev/null
  su postgres -c "$PGBIN/pg_ctl -D $PGDATA -o '-h 127.0.0.1 -p $PGPORT -k $PGDATA' -l $PGDATA/log -w start" >/dev/null
fi
export FRONTMAP_TEST_POSTGRES="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/postgres"
