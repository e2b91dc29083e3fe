#!/usr/bin/env bash
# Builds the real-mode test firmware test/guests/bin/realmode.rom (64 KiB)
# from the GNU assembler sources in test/guests/rom/.
#
# Usage (from anywhere):
#   test/guests/rom/build.sh              writes test/guests/bin/realmode.rom
#   OUT_DIR=dir test/guests/rom/build.sh  writes dir/realmode.rom instead,
#                                         object files to dir/build/rom/;
#                                         nothing in the repository is written
#                                         (tests use this to check that the
#                                         committed image is up to date)
#
# Each .S file is assembled with `as --32` (no C preprocessor: rom.inc comes
# in with .include), linked with `ld -m elf_i386 -T rom.ld` at address 0 and
# turned into a flat image with `objcopy -O binary` (the gap before the reset
# vector filled with 0xff). Requires GNU binutils. No build id, no paths or
# dates in the output: every build gives the same 65536 bytes.
set -euo pipefail

OUT_DIR=${OUT_DIR:-}
if [ -n "$OUT_DIR" ]; then
    mkdir -p "$OUT_DIR"
    OUT_DIR=$(cd "$OUT_DIR" && pwd)    # absolute, before the cd below
fi

cd "$(dirname "$0")/../../.."       # repository root
SRC=test/guests/rom
if [ -n "$OUT_DIR" ]; then
    BUILD=$OUT_DIR/build/rom
    OUT=$OUT_DIR/realmode.rom
else
    BUILD=test/guests/build/rom
    OUT=test/guests/bin/realmode.rom
fi

AS=${AS:-as}
LD=${LD:-ld}
OBJCOPY=${OBJCOPY:-objcopy}

case "${1:-}" in
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    "") ;;
    *) echo "build.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
esac

mkdir -p "$BUILD" "$(dirname "$OUT")"
objs=()
for s in realmode support prefixes pmode; do
    "$AS" --32 -march=i686 -I "$SRC" -o "$BUILD/$s.o" "$SRC/$s.S"
    objs+=("$BUILD/$s.o")
done
"$LD" -m elf_i386 -T "$SRC/rom.ld" --build-id=none -nostdlib -o "$BUILD/realmode.elf" "${objs[@]}"
"$OBJCOPY" -O binary --gap-fill=0xff "$BUILD/realmode.elf" "$OUT.tmp"
size=$(stat -c %s "$OUT.tmp")
if [ "$size" != 65536 ]; then
    rm -f "$OUT.tmp"
    echo "build.sh: $OUT would be $size bytes, not 65536" >&2
    exit 1
fi
mv "$OUT.tmp" "$OUT"
echo "built $OUT ($size bytes)"
