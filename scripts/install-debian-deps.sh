#!/usr/bin/env bash
# Installs the optional Debian packages the test suite uses when they are present:
#   dataset-fashion-mnist  -> /usr/share/datasets/fashion-mnist (Fashion-MNIST IDX files; the idx: tests)
#   python3-onnx           -> the reference onnx.checker, run over exported graphs (OnnxCheckerTest)
# The product itself never needs Python.
# Best effort: without root, apt-get or a network the tests that need a package skip themselves, so
# this script never fails the build. Run by .ci/run before `mvn -B verify`.
set -u

FASHION=/usr/share/datasets/fashion-mnist
wanted=()
[ -f "$FASHION/train-images-idx3-ubyte.gz" ] || wanted+=(dataset-fashion-mnist)
/usr/bin/python3 -c 'import onnx' >/dev/null 2>&1 || wanted+=(python3-onnx)

if [ ${#wanted[@]} -eq 0 ]; then
  echo "install-debian-deps: Fashion-MNIST and python3-onnx already installed"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-debian-deps: not root, not installing ${wanted[*]} (their tests will skip)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-debian-deps: no apt-get here, not installing ${wanted[*]} (their tests will skip)"
  exit 0
fi
if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${wanted[@]}"; then
  echo "install-debian-deps: installed ${wanted[*]}"
else
  echo "install-debian-deps: apt-get could not install ${wanted[*]} (their tests will skip)"
fi
exit 0
