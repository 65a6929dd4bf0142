#!/bin/sh
# Installs the Debian 12 packages relata builds with, or says exactly how to.
# Called by the Makefile before every build so that a fresh machine needs no other step.
set -eu
packages="cmake g++ make pkg-config librocksdb-dev tao-pegtl-dev libabsl-dev libgtest-dev libgmock-dev libbenchmark-dev zlib1g-dev libpcre2-dev libssl-dev libicu-dev libstemmer-dev libsimdjson-dev libedit-dev libcpp-httplib-dev libjs-codemirror libjs-d3 chromium python3-sparqlwrapper python3-rdflib python3-networkx python3-dev pybind11-dev python3-pytest python3-pandas python3-matplotlib graphviz clang libclang-rt-14-dev lld"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "relata needs these Debian packages:$missing" >&2
  echo "run as root:  apt-get update && apt-get install -y$missing" >&2
  exit 1
fi
echo "installing:$missing"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
