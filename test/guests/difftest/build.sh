#!/usr/bin/env bash
# Builds the differential test guest both ways:
#   test/guests/bin/difftest.elf   multiboot v1 kernel (run under rewind86 or QEMU)
#   build/difftest-linux           the same guest as a gcc -m32 Linux program
# and, with --check, runs the Linux build twice (the output must not change)
# and, if qemu-system-i386 is installed, the kernel under QEMU, and compares.
#
# Usage (from anywhere):  test/guests/difftest/build.sh [--check]
#
# OUT_DIR=dir test/guests/difftest/build.sh [--check] builds into dir instead
# and writes nothing in the repository: dir/difftest.elf, dir/difftest-linux,
# object files and --check outputs under dir/obj/ (dir is relative to the
# caller's directory, or absolute). The files are the same as in the default
# layout.
#
# The compiler flags are those of test/guests/build.sh (which also builds
# this directory like any other guest, to the same test/guests/bin/difftest.elf),
# so the guest's own code is the same instruction sequence in both builds.
# Needs gcc with 32-bit multilib support (Debian: gcc-multilib).
set -euo pipefail

OUT_DIR=${OUT_DIR:-}
if [ -n "$OUT_DIR" ]; then
    mkdir -p "$OUT_DIR"
    OUT_DIR=$(cd "$OUT_DIR" && pwd)    # absolute, before the cd below
fi

cd "$(dirname "$0")/../../.."   # repository root
LIB=test/guests/lib
SRC=test/guests/difftest
if [ -n "$OUT_DIR" ]; then
    OBJ=$OUT_DIR/obj
    KERNEL=$OUT_DIR/difftest.elf
    LINUX=$OUT_DIR/difftest-linux
else
    OBJ=test/guests/build/difftest
    KERNEL=test/guests/bin/difftest.elf
    LINUX=build/difftest-linux
fi
CC=${CC:-gcc}
OBJCOPY=${OBJCOPY:-objcopy}

check=0
for arg in "$@"; do
    case "$arg" in
        --check) check=1 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "build.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
    esac
done

for f in crt0.S rt-multiboot.c rt-linux.c printf.c link.ld rt.h; do
    if [ ! -e "$LIB/$f" ]; then
        echo "build.sh: $LIB/$f is missing (the guest runtime); cannot build" >&2
        exit 1
    fi
done

CFLAGS=(-m32 -march=i686 -mtune=generic -mno-mmx -mno-sse -O2 -std=gnu11
    -ffreestanding -fno-builtin -fno-pic -fno-pie -fno-stack-protector
    -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-tree-loop-distribute-patterns
    -fno-common -fno-ident -Wall -Wextra -Wno-unused-parameter -I"$LIB")
LDFLAGS_MB=(-m32 -static -nostdlib -no-pie -T "$LIB/link.ld" -Wl,--build-id=none -Wl,-n
    -Wl,--no-warn-rwx-segments)

mkdir -p "$OBJ/mb" "$OBJ/linux" "$(dirname "$KERNEL")" "$(dirname "$LINUX")"

srcs=$(cd "$SRC" && printf '%s\n' *.c | LC_ALL=C sort)
objs=()
for s in $srcs; do
    "$CC" "${CFLAGS[@]}" -c "$SRC/$s" -o "$OBJ/mb/${s%.c}.o"
    objs+=("$OBJ/mb/${s%.c}.o")
done

# Multiboot kernel.
rt=()
for s in crt0.S rt-multiboot.c printf.c; do
    "$CC" "${CFLAGS[@]}" -c "$LIB/$s" -o "$OBJ/mb/rt-${s%.*}.o"
    rt+=("$OBJ/mb/rt-${s%.*}.o")
done
"$CC" "${LDFLAGS_MB[@]}" -o "$KERNEL.tmp" "${rt[@]}" "${objs[@]}" -lgcc
"$OBJCOPY" --strip-debug --remove-section=.comment "$KERNEL.tmp"
mv "$KERNEL.tmp" "$KERNEL"
echo "built $KERNEL"

# Linux program: the same guest objects' code (same flags), hosted runtime.
"$CC" -m32 -O2 -fno-pie -Wall -I"$LIB" -c "$LIB/rt-linux.c" -o "$OBJ/linux/rt-linux.o"
"$CC" "${CFLAGS[@]}" -c "$LIB/printf.c" -o "$OBJ/linux/printf.o"
"$CC" -m32 -static -no-pie -o "$LINUX" "$OBJ/linux/rt-linux.o" "$OBJ/linux/printf.o" "${objs[@]}"
echo "built $LINUX"

if [ $check = 1 ]; then
    "$LINUX" > "$OBJ/native1.txt"
    "$LINUX" > "$OBJ/native2.txt"
    cmp "$OBJ/native1.txt" "$OBJ/native2.txt"
    echo "native: $(wc -l < "$OBJ/native1.txt") lines, identical over two runs"
    if command -v qemu-system-i386 >/dev/null; then
        rc=0
        timeout 600 qemu-system-i386 -kernel "$KERNEL" -display none \
            -serial file:"$OBJ/qemu.txt" -monitor none -no-reboot \
            -device isa-debug-exit,iobase=0xf4,iosize=0x04 || rc=$?
        [ $rc = 1 ] || echo "qemu exited with status $rc (expected 1: rt_exit(0))" >&2
        if cmp -s "$OBJ/native1.txt" "$OBJ/qemu.txt"; then
            echo "qemu-system-i386: identical output"
        else
            echo "qemu-system-i386: output differs (diff $OBJ/native1.txt $OBJ/qemu.txt)" >&2
            diff "$OBJ/native1.txt" "$OBJ/qemu.txt" | head -20 >&2
            exit 1
        fi
    fi
fi
