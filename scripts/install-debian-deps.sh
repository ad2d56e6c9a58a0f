#!/usr/bin/env bash
# Installs the optional Debian packages the test suite uses when they are present:
#   dataset-fashion-mnist  -> /usr/share/datasets/fashion-mnist (Fashion-MNIST IDX files; the idx: tests)
# Best effort: without root, apt-get or a network the tests that need a package skip themselves, so
# this script never fails the build. Run by .ci/run before `mvn -B verify`.
set -u

FASHION=/usr/share/datasets/fashion-mnist

if [ -f "$FASHION/train-images-idx3-ubyte.gz" ]; then
  echo "install-debian-deps: Fashion-MNIST already in $FASHION"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-debian-deps: not root, not installing dataset-fashion-mnist (its tests will skip)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-debian-deps: no apt-get here, not installing dataset-fashion-mnist (its tests will skip)"
  exit 0
fi
if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist; then
  echo "install-debian-deps: installed dataset-fashion-mnist"
else
  echo "install-debian-deps: apt-get could not install dataset-fashion-mnist (its tests will skip)"
fi
exit 0
