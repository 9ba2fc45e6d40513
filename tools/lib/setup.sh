# Shared set-up for tools/*: installs the Debian packages ispmon needs (only
# when something is missing) and finds swift. Source it; it defines ROOT.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Packages the build and tests need: the C libraries (with headers and
# pkg-config files: LMDB, zstd, OpenSSL for https; cairo, pango and librsvg for the
# reports' PDF, with the DejaVu fonts it sets its text in; libcurl and libmosquitto for the
# notifications' channels), pkg-config itself, and the lmdb tools for inspecting stores.
# A script may add its own in ISPMON_EXTRA_PACKAGES before sourcing this file.
ISPMON_APT_PACKAGES=(liblmdb-dev libzstd-dev libssl-dev libcairo2-dev libpango1.0-dev librsvg2-dev libcurl4-openssl-dev libmosquitto-dev fonts-dejavu-core pkg-config lmdb-utils)

ensure_packages() {
    local missing=()
    local p
    for p in "${ISPMON_APT_PACKAGES[@]}" "${ISPMON_EXTRA_PACKAGES[@]+"${ISPMON_EXTRA_PACKAGES[@]}"}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup: installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        for d in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
            [ -x "$d/swift" ] && export PATH="$d:$PATH" && return 0
        done
        echo "setup: swift is not installed (ispmon needs Swift 6.1 or later: https://swift.org/install)" >&2
        exit 1
    fi
}

ensure_packages
ensure_swift
cd "$ROOT"
