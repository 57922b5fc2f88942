#!/bin/sh
# Stands in for the runtime's createdump: records that it ran and with what, and like the real
# one writes a dump where --name says (%p: the pid argument), or says it could not.
echo "$0 $*" >> "${FAKE_CREATEDUMP_LOG:-/dev/null}"
name= pid=
while [ $# -gt 0 ]; do
  case "$1" in
    --name|-f) name=$2; shift 2 ;;
    --*) shift 2 ;;
    *) pid=$1; shift ;;
  esac
done
[ -n "$name" ] || exit 0
file=$(printf '%s' "$name" | sed "s/%p/$pid/g")
echo "fake dump of $pid" 2>/dev/null > "$file" || { echo "[createdump] Could not create output file '$file'" >&2; exit 1; }
