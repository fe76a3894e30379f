#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server:
#   scripts/with-postgres.sh CMD [ARG...]
# The server listens on 127.0.0.1 only, on a free port, with trust authentication and
# without durability (fsync=off), in a temporary directory that is deleted afterwards.
# CMD sees TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:PORT/postgres (and
# TEST_POSTGRES_CTL, a script that stops or starts the server) and the script exits with
# CMD's status. When TEST_POSTGRES_URL is already set, CMD just runs.
# PostgreSQL's binaries are taken from PATH, else from the newest /usr/lib/postgresql/*/bin;
# when there are none and we are root on Debian/Ubuntu, the `postgresql` package is installed.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 CMD [ARG...]" >&2
  exit 2
fi
if [ -n "${TEST_POSTGRES_URL:-}" ]; then
  exec "$@"
fi

die() {
  echo "error: $*" >&2
  exit 1
}

# The directory holding initdb, pg_ctl and postgres (symlinks resolved, as pg_ctl
# looks for postgres next to itself); fails when there is none.
find_bindir() {
  local initdb dir
  if initdb=$(command -v initdb); then
    dir=$(dirname "$(readlink -f "$initdb")")
    if [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
      echo "$dir"
      return 0
    fi
  fi
  while IFS= read -r dir; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
      echo "$dir"
      return 0
    fi
  done < <(compgen -G '/usr/lib/postgresql/*/bin' | sort -rV)
  return 1
}

install_postgres() {
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    return 1
  fi
  echo "==> PostgreSQL is not installed: apt-get install postgresql" >&2
  # The package would create and start a `main` cluster on port 5432; the tests need
  # neither, so cluster creation is switched off for the length of the install.
  local no_cluster=/etc/postgresql-common/createcluster.d/with-postgres-no-main-cluster.conf
  mkdir -p "$(dirname "$no_cluster")"
  echo "create_main_cluster = false" >"$no_cluster"
  local status=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -q &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold postgresql
  } </dev/null >&2 || status=$?
  rm -f "$no_cluster"
  return "$status"
}

if ! bindir=$(find_bindir); then
  install_postgres || true
  bindir=$(find_bindir) ||
    die "no PostgreSQL server binaries (initdb, pg_ctl, postgres) on PATH or in" \
      "/usr/lib/postgresql/*/bin; install them, e.g. \`sudo apt-get install postgresql\`" \
      "(Debian/Ubuntu), \`dnf install postgresql-server\` or \`brew install postgresql\`"
fi
version=$("$bindir/postgres" --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')

# initdb and pg_ctl refuse to run as root: root runs them as the `postgres` system user.
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  if ! id -u postgres >/dev/null 2>&1; then
    group=(--user-group)
    if getent group postgres >/dev/null; then
      group=(--gid postgres)
    fi
    useradd --system "${group[@]}" --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin postgres ||
      die "could not create the postgres system user"
  fi
  if command -v runuser >/dev/null; then
    as_pg=(runuser -u postgres --)
  else
    as_pg=(setpriv --reuid=postgres --regid=postgres --init-groups --)
  fi
fi

# Root's TMPDIR may be where the postgres user cannot go, and the socket path must be short.
if [ "${#as_pg[@]}" -gt 0 ]; then
  tmp=$(mktemp -d /tmp/with-postgres.XXXXXX)
else
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/with-postgres.XXXXXX")
fi
data=$tmp/data
log=$tmp/server.log
mkdir "$tmp/socket"
if [ "${#as_pg[@]}" -gt 0 ]; then
  chown -R postgres: "$tmp"
fi

# Runs a PostgreSQL program as the server's owner, from a directory it may enter.
pg() {
  (cd "$tmp" && ${as_pg[@]+"${as_pg[@]}"} "$bindir/$1" "${@:2}")
}

# shellcheck disable=SC2317  # (reached from the EXIT trap)
# An immediate shutdown by signal (works as root, unlike pg_ctl), waiting up to 10s.
kill_server() {
  local pid
  pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null) || return 0
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  kill -QUIT "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

watchdog_pid=
# shellcheck disable=SC2317  # (reached from the EXIT trap)
cleanup() {
  if [ -n "$watchdog_pid" ]; then
    kill "$watchdog_pid" 2>/dev/null || true
  fi
  if [ -f "$data/postmaster.pid" ]; then
    pg pg_ctl stop -D "$data" -m immediate -w -t 10 >/dev/null 2>&1 || kill_server
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Should this script itself be killed (SIGKILL skips the traps), a watchdog in its own
# session stops the server and removes the directory once the script is gone.
# shellcheck disable=SC2016  # (expanded by the watchdog's shell)
watchdog='
  while kill -0 "$1" 2>/dev/null; do sleep 1; done
  pid=$(head -n 1 "$2/data/postmaster.pid" 2>/dev/null) &&
    kill -QUIT "$pid" 2>/dev/null && while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -rf "$2"
'
if command -v setsid >/dev/null; then
  setsid bash -c "$watchdog" watchdog "$$" "$tmp" </dev/null >/dev/null 2>&1 &
else
  bash -c "$watchdog" watchdog "$$" "$tmp" </dev/null >/dev/null 2>&1 &
fi
watchdog_pid=$!

started=$(date +%s%N)
pg initdb -D "$data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$tmp/initdb.log" 2>&1 ||
  {
    cat "$tmp/initdb.log" >&2
    die "initdb failed"
  }
cat >>"$data/postgresql.conf" <<EOF

# with-postgres.sh: a throwaway server for the tests, fast rather than durable.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$tmp/socket'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 16MB
max_parallel_workers_per_gather = 0
EOF

# A random port below Linux's ephemeral range; another one if it turns out to be taken.
port=
for _ in $(seq 20); do
  candidate=$((20000 + RANDOM % 12000))
  # Something already accepts connections there.
  if (: <"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
    continue
  fi
  rm -f "$log"
  if pg pg_ctl start -D "$data" -l "$log" -w -t 30 -o "-p $candidate" >/dev/null 2>&1; then
    port=$candidate
    break
  fi
  grep -q "could not bind\|could not create any TCP/IP sockets" "$log" 2>/dev/null || {
    cat "$log" >&2
    die "PostgreSQL did not start"
  }
done
[ -n "$port" ] || die "found no free port for PostgreSQL"
elapsed_ms=$((($(date +%s%N) - started) / 1000000))

# A fault script may stop and start this server under load: `$TEST_POSTGRES_CTL stop|start`.
{
  echo '#!/usr/bin/env bash'
  printf 'cd %q || exit 1\n' "$tmp"
  printf 'case "$1" in\n'
  printf '  stop) exec %s %q stop -D %q -m immediate -w -t 30 ;;\n' \
    "${as_pg[*]+${as_pg[*]}}" "$bindir/pg_ctl" "$data"
  printf '  start) exec %s %q start -D %q -l %q -w -t 60 -o %q ;;\n' \
    "${as_pg[*]+${as_pg[*]}}" "$bindir/pg_ctl" "$data" "$log" "-p $port"
  printf '  *) echo "usage: $0 stop|start" >&2; exit 2 ;;\nesac\n'
} >"$tmp/pgctl"
chmod +x "$tmp/pgctl"
export TEST_POSTGRES_CTL="$tmp/pgctl"
export TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/postgres"
echo "==> PostgreSQL $version for the tests on 127.0.0.1:$port (ready in ${elapsed_ms} ms)"

status=0
"$@" || status=$?
exit "$status"
