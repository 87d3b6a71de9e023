#!/bin/bash
# Build (or reuse from cache) Fennec's debug kernel: Debian's linux-source-6.1
# configured with defconfig + kvm_guest.config + debug.config (KASAN, kmemleak,
# lockdep, ...), for booting under QEMU and building fennec.ko against.
#
# Usage: selftests/tiers/debug-kernel/build.sh [--force | --cached]
#   --force   throw away this configuration's cached build and rebuild it
#   --cached  build nothing: exit 0 if this configuration's kernel is in the
#             cache, 1 if it would have to be built (for CI's time budget)
# Environment:
#   FENNEC_CACHE   cache root (default ~/.cache/fennec); the kernel lives in
#                  $FENNEC_CACHE/debug-kernel/<source-version>/<key>/
#   FENNEC_JOBS    make -j (default: nproc)
#
# stdout gets exactly three lines, once the kernel is there:
#   KERNEL=<bzImage>  MODROOT=<INSTALL_MOD_PATH>  KDIR=<build tree for M= builds>
# Progress goes to stderr; the build output to <key>/build.log (its tail is
# printed on failure).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FRAG="$SCRIPT_DIR/debug.config"
SRC_PKG=linux-source-6.1
SRC_TARBALL=/usr/src/$SRC_PKG.tar.xz
# Bump to force every cached kernel to be rebuilt (e.g. after changing how
# the build or install steps work, which the key does not otherwise cover).
KEY_SCHEMA=1

FORCE=0 CACHED_ONLY=0
for arg in "$@"; do
    case $arg in
        --force) FORCE=1 ;;
        --cached) CACHED_ONLY=1 ;;
        -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "build.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

CACHE_ROOT="${FENNEC_CACHE:-$HOME/.cache/fennec}/debug-kernel"
JOBS=${FENNEC_JOBS:-$(nproc)}
mkdir -p "$CACHE_ROOT"
LOG="$CACHE_ROOT/setup.log"
BG_PID=

say() { printf '[debug-kernel] %s\n' "$*" >&2; }

die() {
    say "ERROR: $*"
    if [[ -s $LOG ]]; then
        say "last 60 lines of $LOG:"
        tail -n 60 "$LOG" | sed 's/^/    /' >&2
    fi
    exit 1
}

# Each step runs as a background job in its own process group (set -m), so
# that an interrupted build.sh can stop the whole make tree it started.
set -m
cleanup() {
    if [[ -n $BG_PID ]] && kill -0 "$BG_PID" 2>/dev/null; then
        kill -TERM -- "-$BG_PID" 2>/dev/null || true
        wait "$BG_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fmt_time() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# run_step DESC CMD...: run CMD with its output appended to $LOG; print a
# heartbeat every 2 minutes; on failure print the log's tail and exit.
run_step() {
    local desc=$1; shift
    local start=$SECONDS next=$((SECONDS + 120)) rc=0 last
    say "$desc ..."
    echo "=== $(date -Is) $desc: $*" >>"$LOG"
    "$@" >>"$LOG" 2>&1 </dev/null &
    BG_PID=$!
    while kill -0 "$BG_PID" 2>/dev/null; do
        sleep 2
        if ((SECONDS >= next)); then
            last=$(tail -n 1 "$LOG" 2>/dev/null | cut -c1-100)
            say "  ... $(fmt_time $((SECONDS - start))): ${last# }"
            next=$((SECONDS + 120))
        fi
    done
    wait "$BG_PID" || rc=$?
    BG_PID=
    ((rc == 0)) || die "$desc failed (exit $rc)"
    say "$desc done in $(fmt_time $((SECONDS - start)))"
}

as_root() {
    if ((EUID == 0)); then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "need root to run: $*"
    fi
}

# --- 1. packages -------------------------------------------------------------
ensure_packages() {
    local pkgs=(build-essential bc flex bison libelf-dev libssl-dev python3
                kmod cpio xz-utils util-linux)
    local missing=() p
    [[ -f $SRC_TARBALL ]] || missing+=("$SRC_PKG")
    for p in "${pkgs[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! as_root apt-get install -y --no-install-recommends "${missing[@]}" >>"$LOG" 2>&1; then
        say "apt-get install failed; running apt-get update and retrying"
        run_step "apt-get update" as_root apt-get update
        run_step "apt-get install ${missing[*]}" \
            as_root apt-get install -y --no-install-recommends "${missing[@]}"
    fi
    [[ -f $SRC_TARBALL ]] || die "$SRC_PKG is installed but $SRC_TARBALL is missing"
}

# --- 3. configuration (hashed into the cache key: keep every config step here)
# Uses $SRC, $BUILD, $FRAG.
kmake() { nice -n 10 make -C "$SRC" O="$BUILD" ARCH=x86_64 LOCALVERSION= "$@"; }

configure_kernel() {
    kmake defconfig
    kmake kvm_guest.config
    (cd "$SRC" && ARCH=x86_64 scripts/kconfig/merge_config.sh -m -O "$BUILD" \
        "$BUILD/.config" "$FRAG")
    kmake olddefconfig
}

# Every line of the fragment must hold in the final .config.
verify_config() {
    local cfg=$BUILD/.config line opt want have bad=0
    while IFS= read -r line; do
        if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
            opt=${BASH_REMATCH[1]} want=${BASH_REMATCH[2]}
        elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
            opt=${BASH_REMATCH[1]} want=n
        else
            continue
        fi
        have=$(grep -E "^$opt=" "$cfg" | tail -n 1 | cut -d= -f2-) || true
        [[ -n $have ]] || have=n
        if [[ $have != "$want" ]]; then
            say "config: $opt wanted '$want', got '$have'"
            bad=1
        fi
    done <"$FRAG"
    ((bad == 0)) || die "some options of $FRAG did not stick (see above; $cfg)"
    say "config verified: every option of debug.config is in .config"
}

# --- main --------------------------------------------------------------------
exec 9>"$CACHE_ROOT/.lock"
if ! flock -n 9; then
    say "another build.sh holds $CACHE_ROOT/.lock; waiting"
    flock 9
fi

ensure_packages
SRC_VERSION=$(dpkg-query -W -f='${Version}' "$SRC_PKG")
VER_DIR="$CACHE_ROOT/$SRC_VERSION"
SRC="$VER_DIR/$SRC_PKG"

KEY=$( {
    echo "schema $KEY_SCHEMA"
    echo "source $SRC_PKG $SRC_VERSION"
    echo "compiler $(gcc --version | head -n 1)"
    echo "--- fragment"; cat "$FRAG"
    echo "--- steps"; declare -f kmake configure_kernel
} | sha256sum | cut -c1-16)
OUT="$VER_DIR/$KEY"
BUILD="$OUT/build"
MODROOT="$OUT/modroot"
KERNEL="$OUT/bzImage"

is_complete() {
    [[ -f $KERNEL && -f $OUT/kernelrelease && -f $BUILD/Module.symvers \
        && -f $SRC/Makefile ]] || return 1
    [[ -d $MODROOT/lib/modules/$(cat "$OUT/kernelrelease") ]]
}

if ((CACHED_ONLY)); then
    is_complete
    exit
fi

if ((FORCE)) && [[ -d $OUT ]]; then
    say "--force: removing $OUT"
    rm -rf "$OUT"
fi

if is_complete; then
    say "cached: $SRC_PKG $SRC_VERSION, key $KEY ($(cat "$OUT/kernelrelease"))"
else
    T0=$SECONDS
    # --- 2. source, extracted once per package version
    if [[ ! -f $SRC/Makefile ]]; then
        mkdir -p "$VER_DIR"
        LOG="$VER_DIR/extract.log"
        rm -rf "$VER_DIR/.extract"
        mkdir "$VER_DIR/.extract"
        run_step "extracting $SRC_TARBALL ($SRC_VERSION)" \
            tar -xf "$SRC_TARBALL" -C "$VER_DIR/.extract"
        [[ -f $VER_DIR/.extract/$SRC_PKG/Makefile ]] || die "unexpected tarball layout"
        rm -rf "$SRC"
        mv "$VER_DIR/.extract/$SRC_PKG" "$SRC"
        rmdir "$VER_DIR/.extract"
    fi

    mkdir -p "$BUILD"
    LOG="$OUT/build.log"
    : >"$LOG"
    say "building $SRC_PKG $SRC_VERSION, key $KEY, -j$JOBS; log: $LOG"
    run_step "configure" configure_kernel
    verify_config
    run_step "make bzImage modules" kmake -j"$JOBS" bzImage modules
    KREL=$(cat "$BUILD/include/config/kernel.release")
    rm -rf "$MODROOT"
    run_step "make modules_install" \
        kmake INSTALL_MOD_PATH="$MODROOT" INSTALL_MOD_STRIP=1 modules_install
    [[ -f $BUILD/Module.symvers ]] || die "no Module.symvers in $BUILD"
    # completion markers last, so an interrupted build is never taken as done
    echo "$KREL" >"$OUT/kernelrelease"
    cp "$BUILD/arch/x86/boot/bzImage" "$KERNEL.tmp"
    mv "$KERNEL.tmp" "$KERNEL"
    say "built $KREL in $(fmt_time $((SECONDS - T0)))"
fi

echo "KERNEL=$KERNEL"
echo "MODROOT=$MODROOT"
echo "KDIR=$BUILD"
