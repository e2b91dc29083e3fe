#!/usr/bin/env bash
# Builds the rewind86 test and benchmark guests from source.
#
# Usage (from anywhere):
#   test/guests/build.sh                 build every guest as a multiboot kernel
#   test/guests/build.sh hello sieve     build only the named guests
#   test/guests/build.sh --linux [names] also build each guest as a gcc -m32
#                                        Linux program (skips guests whose
#                                        directory holds a MULTIBOOT_ONLY file)
#   GUEST_DEBUG=1 test/guests/build.sh   build with -g and keep the debug info
#   OUT_DIR=dir test/guests/build.sh ... build into dir instead (see below)
#
# Layout: a guest is a directory test/guests/<name>/ or bench/guests/<name>/
# holding *.c and/or *.S files; it is linked with test/guests/lib (crt0.S,
# rt-multiboot.c, printf.c, link.ld, and the lib sources its LIB_SOURCES file
# names, such as check.c) into
#   test/guests/bin/<name>.elf  or  bench/guests/bin/<name>.elf
# (ELF32 i386 multiboot v1 kernels loaded at 1 MiB; these are committed).
# GUEST_DEBUG=1 writes to .../bin-debug/<name>.elf instead, so the committed
# binaries stay untouched. Linux builds go to test/guests/build/linux/<name>.
# Object files go to test/guests/build/ (not committed).
# With OUT_DIR set (a path relative to the caller's directory, or absolute),
# nothing in the repository is written: kernels go to $OUT_DIR/<name>.elf,
# Linux builds to $OUT_DIR/linux/<name>, object files to $OUT_DIR/build/.
# The files are the same as in the default layout (tests use this to check
# that a committed binary is up to date).
#
# Requires gcc with 32-bit multilib support (Debian: gcc-multilib) and
# binutils. The flags are fixed here, paths are relative to the repository
# root and there is no build id, so two builds with the same toolchain
# produce identical files.
set -euo pipefail

OUT_DIR=${OUT_DIR:-}
if [ -n "$OUT_DIR" ]; then
    mkdir -p "$OUT_DIR"
    OUT_DIR=$(cd "$OUT_DIR" && pwd)    # absolute, before the cd below
fi

cd "$(dirname "$0")/../.."          # repository root
ROOT=$(pwd)
LIB=test/guests/lib
BUILD=${OUT_DIR:+$OUT_DIR/build}
BUILD=${BUILD:-test/guests/build}

CC=${CC:-gcc}
OBJCOPY=${OBJCOPY:-objcopy}

linux=0
names=()
for arg in "$@"; do
    case "$arg" in
        --linux) linux=1 ;;
        -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
        -*) echo "build.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
        *) names+=("$arg") ;;
    esac
done

# Code generation flags shared by both builds, so a guest's own code is the
# same instruction sequence in its multiboot and its Linux build.
CFLAGS_COMMON=(-m32 -march=i686 -mtune=generic -mno-mmx -mno-sse -O2 -std=gnu11
    -ffreestanding -fno-builtin -fno-pic -fno-pie -fno-stack-protector
    -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-tree-loop-distribute-patterns
    -fno-common -fno-ident -Wall -Wextra -Wno-unused-parameter -I"$LIB")
if [ "${GUEST_DEBUG:-0}" != 0 ]; then
    CFLAGS_COMMON+=(-g -ffile-prefix-map="$ROOT"/=)
    BINDIR=bin-debug
else
    BINDIR=bin
fi
LDFLAGS_MB=(-m32 -static -nostdlib -no-pie -T "$LIB/link.ld" -Wl,--build-id=none -Wl,-n
    -Wl,--no-warn-rwx-segments)
LIBGCC=(-lgcc)      # only pulled in for 64-bit division (printf's %llu)

# compile SRC OBJ [extra flags...]
compile() {
    local src=$1 obj=$2
    shift 2
    mkdir -p "$(dirname "$obj")"
    "$CC" "${CFLAGS_COMMON[@]}" "$@" -c "$src" -o "$obj"
}

# Runtime objects for the multiboot build.
RT_MB=()
for src in "$LIB/crt0.S" "$LIB/rt-multiboot.c" "$LIB/printf.c"; do
    obj="$BUILD/$BINDIR/lib/$(basename "${src%.*}").o"
    compile "$src" "$obj"
    RT_MB+=("$obj")
done

# Runtime objects for the Linux build (rt-linux.c is hosted code: libc).
RT_LINUX=()
if [ $linux = 1 ]; then
    mkdir -p "$BUILD/linux/lib"
    "$CC" -m32 -O2 -fno-pie -Wall -I"$LIB" -c "$LIB/rt-linux.c" -o "$BUILD/linux/lib/rt-linux.o"
    compile "$LIB/printf.c" "$BUILD/linux/lib/printf.o"
    RT_LINUX=("$BUILD/linux/lib/rt-linux.o" "$BUILD/linux/lib/printf.o")
fi

# All guest directories, in a fixed order.
guest_dirs() {
    local d
    for d in test/guests/*/ bench/guests/*/; do
        d=${d%/}
        case "$(basename "$d")" in lib|bin|bin-debug|build) continue ;; esac
        compgen -G "$d/*.[cS]" >/dev/null || continue
        echo "$d"
    done | LC_ALL=C sort
}

wanted() {
    [ ${#names[@]} = 0 ] && return 0
    local n
    for n in "${names[@]}"; do [ "$n" = "$1" ] && return 0; done
    return 1
}

# compile_guest OBJDIR: compiles the guest's sources ($srcs in $dir) and the
# lib sources its LIB_SOURCES file names (one per line) into OBJDIR; the
# objects go to GUEST_OBJS.
compile_guest() {
    local objdir=$1 s obj
    GUEST_OBJS=()
    for s in $srcs; do
        obj="$objdir/${s%.*}.o"
        compile "$dir/$s" "$obj"
        GUEST_OBJS+=("$obj")
    done
    if [ -e "$dir/LIB_SOURCES" ]; then
        for s in $(cat "$dir/LIB_SOURCES"); do
            obj="$objdir/lib-${s%.*}.o"
            compile "$LIB/$s" "$obj"
            GUEST_OBJS+=("$obj")
        done
    fi
}

# build_guest DIR: the multiboot kernel, and with --linux the Linux program.
build_guest() {
    local dir=$1 name out srcs objs lobjs lout
    name=$(basename "$dir")
    srcs=$(cd "$dir" && shopt -s nullglob && printf '%s\n' *.c *.S | LC_ALL=C sort)

    compile_guest "$BUILD/$BINDIR/$dir"
    objs=("${GUEST_OBJS[@]}")
    if [ -n "$OUT_DIR" ]; then
        out="$OUT_DIR/$name.elf"
    else
        out="$(dirname "$dir")/$BINDIR/$name.elf"
    fi
    mkdir -p "$(dirname "$out")"
    "$CC" "${LDFLAGS_MB[@]}" -o "$out.tmp" "${RT_MB[@]}" "${objs[@]}" "${LIBGCC[@]}"
    if [ "$BINDIR" = bin ]; then
        # Committed binaries: no debug info, but keep the symbol table.
        "$OBJCOPY" --strip-debug --remove-section=.comment "$out.tmp"
    fi
    mv "$out.tmp" "$out"
    echo "built $out ($(stat -c %s "$out") bytes)"

    if [ $linux = 1 ] && [ ! -e "$dir/MULTIBOOT_ONLY" ]; then
        compile_guest "$BUILD/linux/$dir"
        lobjs=("${GUEST_OBJS[@]}")
        if [ -n "$OUT_DIR" ]; then
            mkdir -p "$OUT_DIR/linux"
            lout="$OUT_DIR/linux/$name"
        else
            lout="$BUILD/linux/$name"
        fi
        "$CC" -m32 -static -no-pie -o "$lout" "${RT_LINUX[@]}" "${lobjs[@]}"
        echo "built $lout (Linux, gcc -m32)"
    fi
}

built=0
failed=()
while read -r dir; do
    wanted "$(basename "$dir")" || continue
    built=$((built + 1))
    # A subshell with errexit, so that a failure stops this guest only (not
    # inside "if"/"||", where bash would ignore errexit).
    set +e
    (set -e; build_guest "$dir")
    rc=$?
    set -e
    if [ $rc != 0 ]; then
        echo "build.sh: FAILED to build $dir" >&2
        failed+=("$dir")
    fi
done < <(guest_dirs)

if [ $built = 0 ]; then
    echo "build.sh: no guest matched: ${names[*]:-(none found)}" >&2
    exit 1
fi
if [ ${#failed[@]} != 0 ]; then
    echo "build.sh: ${#failed[@]} guest(s) failed: ${failed[*]}" >&2
    exit 1
fi
