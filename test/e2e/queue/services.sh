#!/usr/bin/env bash
# Redis + PostgreSQL for the queue-mode e2e suite (n8n main + worker + webhook processor need both).
#
#   test/e2e/queue/services.sh up      print ONE JSON line: where Redis and PostgreSQL answer, and whether this call
#                                      started private instances ({"redis":{…,"private":true,"started":true},…})
#   test/e2e/queue/services.sh down    stop the private instances recorded in the state folder (machine services are
#                                      never touched)
#   test/e2e/queue/services.sh status  the same JSON as `up`, without starting or installing anything (exit 1 if a
#                                      service is unusable)
#
# `up` is idempotent and needs no manual step:
#   1. the machine's services on their standard loopback ports (Redis 127.0.0.1:6379 answering PING, PostgreSQL
#      127.0.0.1:5432 accepting user `postgres` without a password, i.e. trust auth) are used when they answer;
#   2. otherwise a private instance is started on a random loopback port, with its data in the state folder:
#      redis-server (no persistence), or initdb + pg_ctl (trust auth, fsync off; as the `postgres` OS user when run as
#      root, because PostgreSQL refuses to run as root). A private instance left by an earlier `up` is reused when it
#      still answers;
#   3. missing binaries are installed from Debian first (apt-get, non-interactive: redis-server / postgresql) — only
#      as root or with password-less sudo; otherwise the script says what to install and fails.
# All output except the JSON line goes to stderr.
#
# Env: E2E_QUEUE_SERVICES=auto|private   private = always start private instances (exercises step 2/3)
#      E2E_QUEUE_STATE_DIR               state folder (default <repo>/.e2e/queue-services)
#      E2E_REDIS_HOST / E2E_REDIS_PORT   machine Redis to look for (default 127.0.0.1:6379)
#      E2E_PG_HOST / E2E_PG_PORT / E2E_PG_USER   machine PostgreSQL to look for (default 127.0.0.1:5432, postgres)
#      E2E_QUEUE_NO_INSTALL=1            never run apt-get
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
STATE=${E2E_QUEUE_STATE_DIR:-$REPO/.e2e/queue-services}
MODE=${E2E_QUEUE_SERVICES:-auto}
REDIS_HOST=${E2E_REDIS_HOST:-127.0.0.1}
REDIS_PORT=${E2E_REDIS_PORT:-6379}
PG_HOST=${E2E_PG_HOST:-127.0.0.1}
PG_PORT=${E2E_PG_PORT:-5432}
PG_USER=${E2E_PG_USER:-postgres}

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

case "$MODE" in auto | private) ;; *) die "E2E_QUEUE_SERVICES must be auto or private, not '$MODE'" ;; esac

# ---- probes (bounded; no client binaries needed for Redis) -----------------------------------------------
redis_answers() { # host port
	local reply=''
	# bash's /dev/tcp: send PING, expect +PONG (a password-protected Redis answers -NOAUTH: not usable)
	reply=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "PING\r\n" >&3 && IFS= read -r line <&3 && printf "%s" "$line"' _ "$1" "$2" 2>/dev/null) || return 1
	[[ $reply == +PONG* ]]
}

psql_bin() { # the first psql found (PATH, then Debian's versioned folders)
	command -v psql 2>/dev/null && return 0
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do [ -x "$d/psql" ] && { echo "$d/psql"; return 0; }; done
	return 1
}

pg_answers() { # host port user — usable = accepts the user without a password
	local psql
	if psql=$(psql_bin); then
		PGCONNECT_TIMEOUT=3 timeout 10 "$psql" -h "$1" -p "$2" -U "$3" -d postgres -w -tAc 'select 1' >/dev/null 2>&1
	else
		# no client at all (only possible for a machine service): an open port is the best we can check here; the
		# suite's own client reports an authentication failure clearly
		timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
	fi
}

free_port() { # a random loopback port nobody listens on (bounded attempts)
	local i p
	for i in $(seq 1 50); do
		p=$(( (RANDOM << 15 | RANDOM) % 30000 + 20000 ))
		if ! timeout 1 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$p" 2>/dev/null; then echo "$p"; return 0; fi
	done
	die 'no free port found'
}

wait_until() { # seconds description command…
	local seconds=$1 what=$2; shift 2
	local deadline=$((SECONDS + seconds))
	until "$@"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.2
	done
	log "$what"
}

# ---- installing (Debian, non-interactive) ----------------------------------------------------------------
APT_UPDATED=0
apt_install() { # packages…
	[ "${E2E_QUEUE_NO_INSTALL:-}" = 1 ] && die "missing $*; E2E_QUEUE_NO_INSTALL=1 forbids installing (apt-get install $*)"
	command -v apt-get >/dev/null || die "missing $* and this machine has no apt-get: install them, or point E2E_REDIS_*/E2E_PG_* at running services"
	local sudo=()
	if [ "$(id -u)" != 0 ]; then
		sudo -n true 2>/dev/null || die "missing $*: run 'sudo apt-get install -y $*' once (no password-less sudo here)"
		sudo=(sudo -n)
	fi
	export DEBIAN_FRONTEND=noninteractive
	if [ $APT_UPDATED = 0 ]; then
		log 'apt-get update'
		"${sudo[@]}" apt-get update -qq >&2 || die 'apt-get update failed'
		APT_UPDATED=1
	fi
	log "apt-get install $*"
	"${sudo[@]}" apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@" >&2 ||
		die "apt-get install $* failed"
}

pg_bin_dir() { # folder with initdb + pg_ctl + postgres (Debian keeps them off PATH)
	local d
	for d in $(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)") $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && { echo "$d"; return 0; }
	done
	return 1
}

# ---- private Redis -----------------------------------------------------------------------------------------
REDIS_DIR=$STATE/redis
redis_private_alive() {
	[ -f "$REDIS_DIR/port" ] && [ -f "$REDIS_DIR/redis.pid" ] || return 1
	kill -0 "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null && redis_answers 127.0.0.1 "$(cat "$REDIS_DIR/port")"
}

start_private_redis() {
	if redis_private_alive; then R_PORT=$(cat "$REDIS_DIR/port"); R_STARTED=false; log "reusing private redis on port $R_PORT"; return; fi
	command -v redis-server >/dev/null || apt_install redis-server
	command -v redis-server >/dev/null || die 'redis-server still missing after installing'
	rm -rf "$REDIS_DIR" && mkdir -p "$REDIS_DIR"
	R_PORT=$(free_port)
	# no persistence, loopback only, daemonized with a pid file we own (`down` stops exactly that pid). Daemons get
	# none of our descriptors: not the lock (fd 9) and not the caller's stdout/stderr pipes (a caller waiting for
	# EOF on them would hang).
	redis-server --bind 127.0.0.1 --port "$R_PORT" --protected-mode yes --save '' --appendonly no \
		--dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" --daemonize yes \
		</dev/null >>"$REDIS_DIR/redis.log" 2>&1 9>&- || die "redis-server did not start: $(tail -5 "$REDIS_DIR/redis.log")"
	echo "$R_PORT" >"$REDIS_DIR/port"
	wait_until 15 "private redis-server answers on 127.0.0.1:$R_PORT" redis_answers 127.0.0.1 "$R_PORT" ||
		die "private redis-server did not answer on port $R_PORT: $(tail -5 "$REDIS_DIR/redis.log" 2>/dev/null)"
	R_STARTED=true
}

# ---- private PostgreSQL ------------------------------------------------------------------------------------
PG_DIR=$STATE/postgres
as_pg_owner() { # run a PostgreSQL binary as an unprivileged user when we are root
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg_private_alive() {
	[ -f "$PG_DIR/port" ] && [ -f "$PG_DIR/data/postmaster.pid" ] || return 1
	kill -0 "$(head -1 "$PG_DIR/data/postmaster.pid")" 2>/dev/null && pg_answers 127.0.0.1 "$(cat "$PG_DIR/port")" postgres
}

start_private_postgres() {
	if pg_private_alive; then P_PORT=$(cat "$PG_DIR/port"); P_STARTED=false; log "reusing private postgres on port $P_PORT"; return; fi
	local bin
	bin=$(pg_bin_dir) || { apt_install postgresql; bin=$(pg_bin_dir) || die 'initdb/pg_ctl still missing after installing postgresql'; }
	if [ "$(id -u)" = 0 ]; then
		id postgres >/dev/null 2>&1 || die "running as root, and there is no 'postgres' OS user to run a private PostgreSQL as (the Debian package creates it)"
	fi
	# a stale cluster of an earlier run (crashed host, killed suite): stop it if it runs, then start over
	if [ -f "$PG_DIR/data/postmaster.pid" ]; then as_pg_owner "$bin/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 20 stop >&2 || true; fi
	rm -rf "$PG_DIR" && mkdir -p "$PG_DIR"
	[ "$(id -u)" = 0 ] && chown postgres: "$PG_DIR"
	P_PORT=$(free_port)
	as_pg_owner "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --encoding=UTF8 --no-locale --no-sync >"$PG_DIR/initdb.log" 2>&1 ||
		die "initdb failed: $(tail -5 "$PG_DIR/initdb.log")"
	echo "$P_PORT" >"$PG_DIR/port"
	# (the postmaster must not inherit the lock or our stdout/stderr either: see start_private_redis)
	as_pg_owner "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $P_PORT -c unix_socket_directories=$PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
		start </dev/null >>"$PG_DIR/pg_ctl.log" 2>&1 9>&- || die "pg_ctl start failed: $(tail -5 "$PG_DIR/postgres.log" 2>/dev/null)"
	echo "$bin" >"$PG_DIR/bin"
	wait_until 30 "private postgres answers on 127.0.0.1:$P_PORT" pg_answers 127.0.0.1 "$P_PORT" postgres ||
		die "private postgres did not accept connections on port $P_PORT"
	P_STARTED=true
}

stop_private() {
	if [ -f "$REDIS_DIR/redis.pid" ]; then
		local pid
		pid=$(cat "$REDIS_DIR/redis.pid")
		# only if that pid is really our redis-server (pid files outlive reboots)
		if kill -0 "$pid" 2>/dev/null && grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null; then
			kill "$pid" && wait_until 15 "private redis-server (pid $pid) stopped" bash -c '! kill -0 "$1" 2>/dev/null' _ "$pid" || kill -9 "$pid" 2>/dev/null || true
		fi
		rm -rf "$REDIS_DIR"
	fi
	if [ -f "$PG_DIR/bin" ]; then
		if [ -f "$PG_DIR/data/postmaster.pid" ]; then
			as_pg_owner "$(cat "$PG_DIR/bin")/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >&2 || die 'pg_ctl stop failed'
			log 'private postgres stopped'
		fi
		rm -rf "$PG_DIR"
	fi
}

# ---- main --------------------------------------------------------------------------------------------------
json() {
	printf '{"redis":{"host":"%s","port":%s,"private":%s,"started":%s},"postgres":{"host":"%s","port":%s,"user":"%s","private":%s,"started":%s},"stateDir":"%s"}\n' \
		"$R_HOST" "$R_PORT" "$R_PRIVATE" "$R_STARTED" "$P_HOST" "$P_PORT" "$P_USER" "$P_PRIVATE" "$P_STARTED" "$STATE"
}

command=${1:-up}
mkdir -p "$STATE"
case "$command" in
up | status)
	# one `up` at a time per state folder (two suites starting together must not both initdb)
	exec 9>"$STATE/.lock"
	flock -w 300 9 || die "another services.sh holds $STATE/.lock"
	R_HOST=$REDIS_HOST R_PORT=$REDIS_PORT R_PRIVATE=false R_STARTED=false
	P_HOST=$PG_HOST P_PORT=$PG_PORT P_USER=$PG_USER P_PRIVATE=false P_STARTED=false
	if [ "$MODE" = auto ] && redis_answers "$REDIS_HOST" "$REDIS_PORT"; then
		log "redis answers on $REDIS_HOST:$REDIS_PORT"
	elif [ "$command" = status ]; then
		redis_private_alive || die "no usable redis (machine: $REDIS_HOST:$REDIS_PORT; no private instance)"
		R_HOST=127.0.0.1 R_PORT=$(cat "$REDIS_DIR/port") R_PRIVATE=true
	else
		[ "$MODE" = auto ] && log "no redis on $REDIS_HOST:$REDIS_PORT: starting a private redis-server"
		start_private_redis
		R_HOST=127.0.0.1 R_PRIVATE=true
	fi
	if [ "$MODE" = auto ] && pg_answers "$PG_HOST" "$PG_PORT" "$PG_USER"; then
		log "postgres accepts $PG_USER on $PG_HOST:$PG_PORT"
	elif [ "$command" = status ]; then
		pg_private_alive || die "no usable postgres (machine: $PG_HOST:$PG_PORT user $PG_USER; no private instance)"
		P_HOST=127.0.0.1 P_PORT=$(cat "$PG_DIR/port") P_USER=postgres P_PRIVATE=true
	else
		[ "$MODE" = auto ] && log "no postgres accepting $PG_USER without a password on $PG_HOST:$PG_PORT: starting a private one"
		start_private_postgres
		P_HOST=127.0.0.1 P_USER=postgres P_PRIVATE=true
	fi
	json
	;;
down)
	exec 9>"$STATE/.lock"
	flock -w 300 9 || die "another services.sh holds $STATE/.lock"
	stop_private
	;;
*) die "usage: $0 up|down|status" ;;
esac
