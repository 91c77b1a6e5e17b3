#!/usr/bin/env bash
# Installs what rql needs on Debian 12 that is missing: the Debian packages
# given as arguments, and Go (from the Go module proxy's toolchain module)
# when no Go >= 1.26 is on PATH. Runs apt-get as root or through sudo.
set -euo pipefail
GO_VERSION=1.26.8
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi

missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

have_go() {
  command -v go >/dev/null 2>&1 || return 1
  local v; v=$(go env GOVERSION 2>/dev/null | sed 's/^go//')
  [ "$(printf '%s\n%s\n' "1.26" "$v" | sort -V | head -1)" = "1.26" ]
}
export PATH=/usr/local/go/bin:$PATH
if ! have_go; then
  # Debian's golang-go (1.19) can still download Go's toolchain module from
  # the module proxy; unpack it to /usr/local/go.
  echo "deps: installing Go $GO_VERSION"
  command -v go >/dev/null 2>&1 || { $SUDO apt-get update -qq; DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq golang-go >/dev/null; }
  tmp=$(mktemp -d)
  mod="golang.org/toolchain@v0.0.1-go${GO_VERSION}.linux-amd64"
  dir=$(cd "$tmp" && GOPATH="$tmp/gopath" GOFLAGS=-modcacherw /usr/bin/go mod download -json "$mod" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  $SUDO rm -rf /usr/local/go
  $SUDO cp -r "$dir" /usr/local/go
  $SUDO chmod -R a+rx /usr/local/go/bin /usr/local/go/pkg/tool
  rm -rf "$tmp"
  go version
fi
