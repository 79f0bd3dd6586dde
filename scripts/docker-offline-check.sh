#!/usr/bin/env bash
# Build the project's Dockerfile and prove the image serves, on a machine that reaches package
# registries (Debian mirror, PyPI) but not Docker Hub.
#
#   sudo scripts/docker-offline-check.sh            # needs a running dockerd and root (debootstrap, chroot)
#
# What it does, and why:
#   1. python:3.11-slim cannot be pulled, so it makes a stand-in with that tag (skipped when an
#      image of that name is already there, e.g. the real one: then the real one is used):
#      Debian bookworm minbase from the apt mirror + a local CPython 3.11 copied into /usr/local,
#      the way the official image lays it out.
#   2. docker build --no-cache of the repository (a clean build, timed), with the host network
#      (pip in the build reaches PyPI the way this machine does).
#   3. runs the image on the embedded SQLite catalog, then on PostgreSQL through a read-only
#      role, and checks /healthz, /readyz, a resolution, the / page, uid 10001, the HEALTHCHECK,
#      JSON log lines with request ids, and the time `docker stop` takes.
#   4. prints the figures (image size, build time, time to healthy, stop time) and removes what it
#      made (containers, database, role, root file system; the images stay unless CLEAN_IMAGES=1).
#
# Settings (environment):
#   PYTHON_PREFIX  a CPython 3.11 built with --enable-shared   (default /root/.pyenv/versions/3.11.7)
#   DEBIAN_MIRROR  the bookworm mirror                         (default: the one apt uses here)
#   PORT           a free loopback port; 8000 is the image's own (default 8000; other ports
#                  override the entrypoint, since the Dockerfile fixes --port 8000)
#   PG_ADMIN_URL   libpq URL of a superuser, for CREATE DATABASE (default postgresql://postgres@127.0.0.1:5432/test)
#   HOST_CLI       a model-catalog on the host for `db upgrade` and `load` (default REPO/.venv/bin/model-catalog,
#                  else the one on PATH)
#   SKIP_PG=1      only the SQLite half;  REBUILD_BASE=1  remake the stand-in even if present
#   CLEAN_IMAGES=1 remove the images at the end
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
PYTHON_PREFIX=${PYTHON_PREFIX:-/root/.pyenv/versions/3.11.7}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-$(sed -n 's/^URIs: *\(.*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
PORT=${PORT:-8000}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgresql://postgres@127.0.0.1:5432/test}
HOST_CLI=${HOST_CLI:-$REPO/.venv/bin/model-catalog}
[ -x "$HOST_CLI" ] || HOST_CLI=$(command -v model-catalog || echo "$HOST_CLI")
IMAGE=model-catalog:test
BASE=python:3.11-slim
WORK=$(mktemp -d /tmp/mc-docker-check.XXXXXX)
DB=mc_docker_check
ROLE=mc_docker_check_reader
PG_HOSTPART=${PG_ADMIN_URL#postgresql://*@}      # 127.0.0.1:5432/test
PG_HOSTPORT=${PG_HOSTPART%%/*}                   # 127.0.0.1:5432

log() { printf '\n== %s\n' "$*"; }
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(now)"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

cleanup() {
    # everything made here goes, whatever step failed; the proc mount first, so rm cannot reach /proc
    set +e
    local m
    for m in proc sys dev/pts dev; do mountpoint -q "$WORK/rootfs/$m" && umount "$WORK/rootfs/$m"; done
    docker rm -f mc-check-sqlite mc-check-pg >/dev/null 2>&1
    if [ -z "${SKIP_PG:-}" ] && [ -n "${PG_MADE:-}" ]; then
        psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB" -c "DROP ROLE IF EXISTS $ROLE" >/dev/null
    fi
    rm -rf "$WORK"
    if [ -n "${CLEAN_IMAGES:-}" ]; then docker rmi -f "$IMAGE" >/dev/null 2>&1; docker image prune -f >/dev/null; fi
}
trap cleanup EXIT

docker info >/dev/null 2>&1 || fail "no dockerd answers (start one: dockerd >/tmp/dockerd.log 2>&1 &)"
[ "$(id -u)" = 0 ] || fail "run as root: debootstrap and chroot need it"
if ss -ltnH "sport = :$PORT" | grep -q .; then fail "port $PORT is taken; set PORT"; fi

# -- 1. the stand-in base image ------------------------------------------------------------------
make_base() {
    local R="$WORK/rootfs" L="$WORK/rootfs/usr/local"
    command -v debootstrap >/dev/null || fail "apt-get install debootstrap"
    [ -x "$PYTHON_PREFIX/bin/python3.11" ] || fail "no CPython 3.11 at $PYTHON_PREFIX"
    log "debootstrap bookworm (minbase) from $DEBIAN_MIRROR"
    debootstrap --variant=minbase bookworm "$R" "$DEBIAN_MIRROR" >"$WORK/debootstrap.log" 2>&1 \
        || { tail "$WORK/debootstrap.log"; fail debootstrap; }
    # the suites the official image (and this host) use: security fixes for libssl3 and friends
    rm -f "$R/etc/apt/sources.list"
    cat >"$R/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $DEBIAN_MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${DEBIAN_MIRROR%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    # the CPython: interpreter, shared libpython, the standard library without site-packages
    # (the host's holds hundreds of unrelated packages) and without the test suites, as the
    # official image deletes them too
    log "CPython from $PYTHON_PREFIX into /usr/local"
    mkdir -p "$L/bin" "$L/lib" "$L/include"
    cp -a "$PYTHON_PREFIX/include/." "$L/include/"
    cp -a "$PYTHON_PREFIX"/lib/libpython3*.so* "$PYTHON_PREFIX/lib/pkgconfig" "$L/lib/"
    rsync -a --exclude=/site-packages/ --exclude=/test/ --exclude=tests/ --exclude=idle_test/ \
        --exclude=__pycache__/ --exclude='*.pyc' --exclude='libpython*.a' \
        "$PYTHON_PREFIX/lib/python3.11/" "$L/lib/python3.11/"
    mkdir -p "$L/lib/python3.11/site-packages"
    local f
    for f in python3.11 python3.11-config pydoc3.11 idle3.11 2to3-3.11; do
        [ -e "$PYTHON_PREFIX/bin/$f" ] && cp -a "$PYTHON_PREFIX/bin/$f" "$L/bin/"
    done
    # scripts and python3.11-config name the old prefix; the interpreter finds its own from its path
    sed -i "1s|^#!.*python3.11\$|#!/usr/local/bin/python3.11|" "$L"/bin/pydoc3.11 "$L"/bin/idle3.11 "$L"/bin/2to3-3.11 2>/dev/null || true
    sed -i "s|$PYTHON_PREFIX|/usr/local|g" "$L/bin/python3.11-config"
    (cd "$L/bin" && ln -sf python3.11 python3 && ln -sf python3 python && ln -sf python3.11-config python3-config \
        && ln -sf python3-config python-config && ln -sf pydoc3.11 pydoc3 && ln -sf pydoc3 pydoc \
        && ln -sf idle3.11 idle3 && ln -sf idle3 idle && ln -sf 2to3-3.11 2to3)
    # the runtime libraries the official image keeps (what ldd of its extension modules needs),
    # less Tcl/Tk; ca-certificates, netbase and tzdata as it installs them
    log "runtime libraries (apt in the root file system)"
    printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d"; chmod +x "$R/usr/sbin/policy-rc.d"
    mount -t proc proc "$R/proc"
    chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 sh -ec '
        apt-get update -q
        apt-get -y -q upgrade
        apt-get install -y -q --no-install-recommends ca-certificates netbase tzdata libssl3 \
            libsqlite3-0 libncursesw6 libreadline8 libnsl2 libtirpc3 libbz2-1.0 liblzma5 libffi8 \
            zlib1g libuuid1 libexpat1 libgdbm6 libgdbm-compat4 libdb5.3
        apt-get clean' >"$WORK/rootfs-apt.log" 2>&1 || { tail "$WORK/rootfs-apt.log"; fail "apt in rootfs"; }
    umount "$R/proc"; rm -f "$R/usr/sbin/policy-rc.d"
    chroot "$R" /sbin/ldconfig     # libpython3.11.so in /usr/local/lib, as the official image does
    local missing
    missing=$(for so in "$L"/lib/python3.11/lib-dynload/*.so; do
        chroot "$R" ldd "/usr/local/lib/python3.11/lib-dynload/${so##*/}" | grep 'not found' | grep -v -E 'libt(k|cl)8' || true; done)
    [ -z "$missing" ] || fail "extension modules lack: $missing"
    # this machine reaches PyPI through a TLS-intercepting egress proxy: pip in the build must
    # trust its CA. pip uses its own certifi bundle, so it is pointed at the system one. (Not in
    # the official image; with direct internet neither is needed.)
    if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
        cp /usr/local/share/ca-certificates/*.crt "$R/usr/local/share/ca-certificates/"
        chroot "$R" update-ca-certificates >/dev/null
        printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' >"$R/etc/pip.conf"
    fi
    log "pip (ensurepip, then 24.0 as the official 3.11 images pin)"
    chroot "$R" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 HOME=/root sh -ec '
        python3 -c "import ssl, sqlite3, ctypes, lzma, bz2, zlib, uuid, readline, decimal, hashlib, curses"
        python3 -m ensurepip --default-pip >/dev/null 2>&1
        pip install -q --no-cache-dir --disable-pip-version-check --root-user-action=ignore "pip==24.0" ' \
        || fail "pip in rootfs"
    # slim: no docs, man pages, translations, caches (debian:bookworm-slim's dpkg excludes)
    cat >"$R/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
EOF
    find "$R/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
    find "$R/usr/share/doc" -mindepth 1 -type d -empty -delete
    rm -rf "$R"/usr/share/{man,groff,info,lintian,locale}/* "$R"/var/cache/apt/*.bin \
        "$R"/var/lib/apt/lists/* "$R/root/.cache" "$R"/tmp/* "$R"/var/log/*.log
    find "$L" -depth \( -name __pycache__ -o -name '*.pyc' \) -exec rm -rf {} +
    : >"$R/etc/resolv.conf"
    log "docker import $BASE"
    tar --numeric-owner -C "$R" -c . | docker import \
        -c 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
        -c 'ENV LANG=C.UTF-8' -c "ENV PYTHON_VERSION=$("$L/bin/python3.11" -c 'import platform; print(platform.python_version())' 2>/dev/null || echo 3.11)" \
        -c 'CMD ["python3"]' \
        -m "stand-in for $BASE: debootstrap minbase bookworm + CPython from $PYTHON_PREFIX" - "$BASE" >/dev/null
    rm -rf "$R"
}

if [ -n "${REBUILD_BASE:-}" ] || ! docker image inspect "$BASE" >/dev/null 2>&1; then
    make_base
else
    log "using the existing $BASE ($(docker image inspect -f '{{.Comment}}' "$BASE"))"
fi
docker run --rm "$BASE" sh -c 'python --version && pip --version' || fail "$BASE does not run python/pip"

# -- 2. the build --------------------------------------------------------------------------------
log "docker build $REPO"
t=$(now)
docker build --no-cache --network host -t "$IMAGE" "$REPO" >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; fail "docker build"; }
BUILD_S=$(since "$t")
SIZE=$(docker image inspect -f '{{.Size}}' "$IMAGE" | python3 -c 'import sys; print(f"{int(sys.stdin.read())/1e6:.0f} MB")')
BASE_SIZE=$(docker image inspect -f '{{.Size}}' "$BASE" | python3 -c 'import sys; print(f"{int(sys.stdin.read())/1e6:.0f} MB")')

# -- 3. run and check ----------------------------------------------------------------------------
# Host network: the container reaches PostgreSQL on the host's loopback as the app would on a pod.
# The Dockerfile fixes --port 8000; on another port the entrypoint is spelled out instead.
run() {  # run NAME [docker run options...]
    local name=$1; shift
    if [ "$PORT" = 8000 ]; then
        docker run -d --name "$name" --network host "$@" "$IMAGE" >/dev/null
    else
        # ... and the HEALTHCHECK, which probes 8000, is restated for the port
        docker run -d --name "$name" --network host "$@" --entrypoint model-catalog \
            --health-cmd "python -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/healthz', timeout=2)\"" \
            --health-interval 15s --health-timeout 3s --health-start-period 20s "$IMAGE" \
            serve --host 127.0.0.1 --port "$PORT" --log-format json --graceful-timeout 30 >/dev/null
    fi
}

check() {  # check NAME: the endpoints, the user, the health check, the logs and the stop
    local name=$1 t0=$2 B="http://127.0.0.1:$PORT" status="" i
    for i in $(seq 1 240); do        # the first HEALTHCHECK runs one interval (15 s) after start
        status=$(docker inspect -f '{{.State.Health.Status}}' "$name")
        [ "$status" = healthy ] && break
        [ "$(docker inspect -f '{{.State.Running}}' "$name")" = true ] || { docker logs "$name"; fail "$name exited"; }
        sleep 0.25
    done
    [ "$status" = healthy ] || fail "$name: health $status"
    HEALTHY_S=$(since "$t0")
    local p code
    for p in /healthz /readyz '/v1/resolve?model=azure/gpt-4o' /; do
        code=$(curl -s -o "$WORK/body" -w '%{http_code}' -H 'X-Request-ID: docker-check' "$B$p")
        [ "$code" = 200 ] || { cat "$WORK/body"; fail "$name: GET $p -> $code"; }
        printf '  %-32s %s\n' "$p" "$code"
    done
    curl -s "$B/v1/resolve?model=azure/gpt-4o" | python3 -c '
import json, sys; d = json.load(sys.stdin)
assert d["status"] in ("ok", "replaced"), d; print("  azure/gpt-4o ->", d["status"], d["model"], "at", d["provider"])'
    [ "$(docker exec "$name" id -u)" = 10001 ] || fail "$name: not uid 10001"
    echo "  user: $(docker exec "$name" id)"
    t=$(now)
    docker stop "$name" >/dev/null
    STOP_S=$(since "$t")
    [ "$(docker inspect -f '{{.State.ExitCode}}' "$name")" = 0 ] || fail "$name: exit code not 0 after docker stop"
    # every line but the plain start-up banner ("model-catalog API on ...") is one JSON object;
    # request lines carry request_id, and the id sent above is kept
    docker logs "$name" 2>&1 | grep -v '^model-catalog API on ' | python3 -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin]
ids = [d["request_id"] for d in lines if "request_id" in d]
assert ids and "docker-check" in ids, ids
assert lines[-1]["message"].startswith("Finished server process"), lines[-1]
last = lines[-1]["message"]
print(f"  logs: {len(lines)} JSON lines, {len(ids)} with request_id, ends with {last!r}")'
    docker rm "$name" >/dev/null
}

log "run: embedded SQLite catalog"
t=$(now); run mc-check-sqlite; check mc-check-sqlite "$t"
SQLITE_HEALTHY_S=$HEALTHY_S; SQLITE_STOP_S=$STOP_S

if [ -z "${SKIP_PG:-}" ]; then
    log "run: PostgreSQL ($PG_HOSTPORT/$DB, read-only role $ROLE)"
    [ -x "$HOST_CLI" ] || fail "no $HOST_CLI (SKIP_PG=1 to skip)"
    PG_MADE=1
    psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $DB"
    OWNER_URL="postgresql+psycopg://${PG_ADMIN_URL#postgresql://}"; OWNER_URL="${OWNER_URL%/*}/$DB"
    MODEL_CATALOG_DATABASE_URL=$OWNER_URL "$HOST_CLI" db upgrade | tail -1
    MODEL_CATALOG_DATABASE_URL=$OWNER_URL "$HOST_CLI" load | tail -1
    # README's read-only role, under names of its own
    psql "${PG_ADMIN_URL%/*}/$DB" -q -v ON_ERROR_STOP=1 <<EOF
CREATE ROLE $ROLE LOGIN PASSWORD 'change-me';
GRANT CONNECT ON DATABASE $DB TO $ROLE;
GRANT USAGE ON SCHEMA public TO $ROLE;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO $ROLE;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO $ROLE;
ALTER ROLE $ROLE SET default_transaction_read_only = on;
EOF
    t=$(now)
    run mc-check-pg -e "MODEL_CATALOG_DATABASE_URL=postgresql+psycopg://$ROLE:change-me@$PG_HOSTPORT/$DB"
    check mc-check-pg "$t"
    PG_HEALTHY_S=$HEALTHY_S; PG_STOP_S=$STOP_S
fi

# -- 4. the figures ------------------------------------------------------------------------------
log "figures ($(date -u +%Y-%m-%d), dockerd $(docker version -f '{{.Server.Version}}'))"
echo "  base $BASE: $BASE_SIZE ($(docker image inspect -f '{{.Comment}}' "$BASE"))"
echo "  image $IMAGE: $SIZE; build ${BUILD_S} s (--no-cache: both stages, dependencies from PyPI)"
echo "  SQLite: healthy after ${SQLITE_HEALTHY_S} s, docker stop ${SQLITE_STOP_S} s"
[ -n "${SKIP_PG:-}" ] || echo "  PostgreSQL: healthy after ${PG_HEALTHY_S} s, docker stop ${PG_STOP_S} s"
echo OK
