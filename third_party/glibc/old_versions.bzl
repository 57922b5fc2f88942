"""Binds calls of glibc functions to their oldest (x86-64 baseline) symbol version.

glibc keeps a function's old version as a compat symbol when it gives it a new default
(pthread_create@GLIBC_2.2.5 beside pthread_create@@GLIBC_2.34), but the linker binds a plain
reference to the default. So the link gets a definition of its own, hidden (never exported):
F, which tail-jumps to F@GLIBC_2.2.5 through a `.symver` alias. Definitions in the linked
objects win over the shared library's, so every plain reference to F, from our objects and the
prebuilt archives (libstdc++, abseil, protobuf, re2, libunwind) alike, binds to it; the
versioned reference is a different name to the linker and goes to libc. (ld's --wrap would
not do: Debian 12's ld 2.40 wraps the versioned reference too.) Every function listed must
exist at GLIBC_2.2.5.
"""

def glibc_old_versions(name, functions, **kwargs):
    """A cc_library (alwayslink) that binds `functions` to their GLIBC_2.2.5 versions."""
    native.genrule(
        name = name + "_asm",
        outs = [name + ".S"],
        cmd = "$(location //third_party/glibc:old_versions_asm.sh) %s > $@" % " ".join(functions),
        tools = ["//third_party/glibc:old_versions_asm.sh"],
    )
    native.cc_library(
        name = name,
        srcs = [name + ".S"],
        alwayslink = True,
        **kwargs
    )
