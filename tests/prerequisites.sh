#!/usr/bin/env bash
# The system packages the whole test suite needs, in one place (`make test` and .ci/run):
#   php-cli + extensions  the loopback MediaWiki test wiki (tests/wiki/testwiki.sh)
#   chromium, fonts       nora report's page rendered in a real browser
#   libreoffice-calc      the CSV formula rule checked against a real spreadsheet
# All there: exit 0. Missing and root with apt-get: installed. Missing otherwise: the
# exact command to run is printed and the exit status is 1 (nothing is skipped silently).
# The MediaWiki .debs are then downloaded into the cache (testwiki.sh install-packages).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

missing=()
if command -v php >/dev/null 2>&1; then
    modules=$(php -m)
    for pair in pdo_sqlite:php-sqlite3 mbstring:php-mbstring xml:php-xml intl:php-intl; do
        grep -qix "${pair%%:*}" <<<"$modules" || missing+=("${pair#*:}")
    done
else
    missing+=(php-cli php-sqlite3 php-mbstring php-xml php-intl)
fi
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -f /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] \
    || dpkg -s fonts-liberation >/dev/null 2>&1 || missing+=(fonts-liberation)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)

if [ ${#missing[@]} -gt 0 ]; then
    command="apt-get install -y --no-install-recommends ${missing[*]}"
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "tests need ${missing[*]}: installing with apt-get" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # shellcheck disable=SC2086  # one word per package
        apt-get install -y -qq --no-install-recommends ${missing[*]}
    else
        echo "the tests need system packages that are missing: ${missing[*]}" >&2
        echo "run:  sudo apt-get update && sudo $command" >&2
        echo "then: make test" >&2
        exit 1
    fi
fi
bash "$HERE/wiki/testwiki.sh" install-packages
