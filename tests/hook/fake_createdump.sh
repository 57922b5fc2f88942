#!/bin/sh
# Stands in for the runtime's createdump: records that it ran and with what.
echo "$0 $*" >> "${FAKE_CREATEDUMP_LOG:-/dev/null}"
