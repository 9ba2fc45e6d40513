# Shared by tools/bench-ingest, tools/bench-views, tools/bench-monitor and tools/bench-suite.
# Source it after tools/lib/setup.sh (which installs packages, finds swift, defines ROOT and cd's
# there) and after defining log() and die().
#
# Environment:
#   ISPMON_BUILD_PATH      build ispmon in this directory instead of .build (swift build
#                          --scratch-path); a relative path is taken from the repository root.
#   ISPMON_BENCH_EXEC      a launcher (tools/lib/slowsync.c built with -DSLOWSYNC_EXEC by
#                          tools/bench-suite --profile pi4) that every *measured* command is run
#                          through, and only those: set-up (writing stores, exporting, building)
#                          runs as usual. Its settings (ISPMON_SLOWSYNC_*) come through the
#                          environment; without it, measured commands run directly.

BASELINE_SRC="$ROOT/Benchmarks/Baselines"
BASELINE_OUT="$ROOT/.build-baselines"

SWIFT_BUILD=(swift build -c release ${ISPMON_BUILD_PATH:+--scratch-path "$ISPMON_BUILD_PATH"})

# Prefix for measured commands: `"${MEASURED[@]}" cmd args…` (the launcher execs cmd: same pid
# when run in the background).
MEASURED=()
if [[ -n "${ISPMON_BENCH_EXEC:-}" ]]; then
    [[ -x "$ISPMON_BENCH_EXEC" ]] || die "ISPMON_BENCH_EXEC: $ISPMON_BENCH_EXEC is not executable"
    MEASURED=("$ISPMON_BENCH_EXEC")
fi

# build_ispmon — builds the release ispmon (quietly when up to date) and sets ISPMON to it.
build_ispmon() {
    command -v swift >/dev/null 2>&1 || die "swift not found"
    log "building ispmon (release${ISPMON_BUILD_PATH:+, in $ISPMON_BUILD_PATH})"
    (cd "$ROOT" && "${SWIFT_BUILD[@]}" --product ispmon >&2) || die "swift build failed"
    local bin
    bin="$(cd "$ROOT" && "${SWIFT_BUILD[@]}" --show-bin-path)" || die "swift build --show-bin-path failed"
    ISPMON="$bin/ispmon"
    [[ -x "$ISPMON" ]] || die "ispmon binary not found at $ISPMON"
}

# build_c NAME SOURCE LIBS… — builds a baseline from Benchmarks/Baselines into .build-baselines/.
build_c() {
    local name="$1" src="$2"; shift 2
    local bin="$BASELINE_OUT/$name"
    mkdir -p "$BASELINE_OUT"
    if [[ ! -x "$bin" || "$src" -nt "$bin" || "$BASELINE_SRC/bench_common.h" -nt "$bin" \
          || "$BASELINE_SRC/lmdb_check.h" -nt "$bin" ]]; then
        log "building $name"
        cc -O2 -Wall -o "$bin.tmp.$$" "$src" "$@" || die "failed to build $name"
        mv -f "$bin.tmp.$$" "$bin"
    fi
}
