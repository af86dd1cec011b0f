#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages caviar needs to build and test, only those missing.
# Nothing else is downloaded, at build or at run time.
set -euo pipefail

packages=(
  g++ make cmake ninja-build pkg-config
  libboost-dev libboost-filesystem-dev libboost-program-options-dev libboost-test-dev
  libtomlplusplus-dev libsqlite3-dev sqlite3 libeigen3-dev nlohmann-json3-dev zlib1g-dev
  liblbfgspp-dev   # L-BFGS-B (header-only) for the gp sampler's kernel fit
  libssl-dev   # sha256 (OpenSSL's libcrypto) for the environment fingerprints of caviar retune
  python3 python3-numpy
  chromium   # headless, for the HTML report's browser test (/usr/bin/chromium)
  chromium-driver python3-selenium   # the live page's browser test drives chromium with them
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "dependencies: all ${#packages[@]} packages present"
  exit 0
fi

echo "dependencies: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "need root or sudo to apt-get install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
