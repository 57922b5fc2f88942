"""Compiler flags for ddcrash's own code (never for third-party code)."""

DDCRASH_COPTS = [
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wno-missing-field-initializers",
]
