#!/bin/sh
# Bazel's --workspace_status_command (.bazelrc): the git commit the build is made from, with
# "-dirty" when tracked files have uncommitted changes. A STABLE_ key: only the stamped
# //cli:source_revision (and the links that include it) rebuild when it changes.
if revision=$(git rev-parse HEAD 2>/dev/null); then
  git diff --quiet HEAD -- 2>/dev/null || revision="$revision-dirty"
else
  revision=unknown  # built from a source tree without git metadata
fi
echo "STABLE_DDCRASH_SOURCE_REVISION $revision"
