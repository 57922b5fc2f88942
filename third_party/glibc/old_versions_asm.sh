#!/bin/sh
# Writes the assembly of glibc_old_versions (old_versions.bzl): for each function F given, a
# hidden F that tail-jumps to F@GLIBC_2.2.5. The arguments pass through untouched, so no
# prototype is needed.
set -eu
echo '	.text'
for f in "$@"; do
  cat <<ASM
	.symver __ddcrash_old_$f, $f@GLIBC_2.2.5
	.globl $f
	.hidden $f
	.type $f, @function
	.p2align 4
$f:
	endbr64
	jmp __ddcrash_old_$f@PLT
	.size $f, .-$f
ASM
done
echo '	.section .note.GNU-stack,"",@progbits'
