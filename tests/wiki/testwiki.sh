#!/usr/bin/env bash
# A real MediaWiki 1.39 (Debian's package) with Semantic MediaWiki 5.1.0, Lingo 3.2.4 and
# SemanticGlossary 5.0.1 (vendored in tests/wiki/vendor/), on SQLite behind `php -S`, on
# loopback, seeded with the generated NORA-like corpus of tests/wiki/corpus.py.
#
#   testwiki.sh install-packages   apt-get the PHP CLI + extensions (only if php is missing)
#                                  and download the two MediaWiki .debs into the cache
#   testwiki.sh up                 build (if needed) and serve; prints the base URL last
#   testwiki.sh down               stop the server (its whole process group)
#   testwiki.sh status             "serving URL" / "built, stopped" / "absent"; exit 0 if serving
#   testwiki.sh clone SRC          make $WIKI_DIR a cheap copy of the built wiki SRC and serve it
#                                  (throwaway wikis for tests that edit, delete or move pages)
#
# Environment: WIKI_DIR (/tmp/nora-testwiki), WIKI_PORT (8089), WIKI_PAGES (300),
# WIKI_CACHE (~/.cache/nora-testwiki: the .debs), PYTHON (.venv/bin/python),
# WIKI_SMW_QDEP (true: $smwgEnabledQueryDependencyLinksStore; `clone` honours it too),
# WIKI_LABELS (nora: the label set the pages show, tests/wiki/vocabulary.py LABEL_SETS;
# gemma and renamed give the same pages and SMW data under other words: give each its own
# WIKI_DIR and WIKI_PORT).
# See tests/wiki/README.md for the layout of $WIKI_DIR and why things are done this way.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WIKI_DIR=${WIKI_DIR:-/tmp/nora-testwiki}
WIKI_PORT=${WIKI_PORT:-8089}
WIKI_PAGES=${WIKI_PAGES:-300}
WIKI_CACHE=${WIKI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nora-testwiki}
WIKI_WORKERS=${WIKI_WORKERS:-4}
WIKI_SMW_QDEP_SET=${WIKI_SMW_QDEP+set}  # given by the caller (clone honours it only then)
WIKI_SMW_QDEP=${WIKI_SMW_QDEP:-true}
WIKI_LABELS=${WIKI_LABELS:-nora}
VENDOR="$HERE/vendor"
if [ -z "${PYTHON:-}" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi
MW="$WIKI_DIR/mw"
URL="http://127.0.0.1:$WIKI_PORT"

log() { printf '[testwiki %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- packages ---------------------------------------------------------------------------

install_packages() {
    if ! command -v php >/dev/null 2>&1; then
        command -v apt-get >/dev/null 2>&1 || die "php is missing and there is no apt-get to install it"
        log "installing php-cli and extensions with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq --no-install-recommends \
            php-cli php-sqlite3 php-mbstring php-xml php-intl >&2
    fi
    local ext modules
    modules=$(php -m)
    for ext in pdo_sqlite mbstring xml intl; do
        grep -qix "$ext" <<<"$modules" \
            || die "php extension $ext is missing (apt-get install php-${ext/pdo_/})"
    done
    fetch_debs
}

# The .debs are downloaded once into $WIKI_CACHE; nothing is installed from them, they are
# only unpacked (installing package mediawiki would pull in Apache and MySQL, see TESTWIKI.md).
fetch_debs() {
    mkdir -p "$WIKI_CACHE"
    if ls "$WIKI_CACHE"/mediawiki_*.deb >/dev/null 2>&1 \
        && ls "$WIKI_CACHE"/mediawiki-classes_*.deb >/dev/null 2>&1; then
        return 0
    fi
    command -v apt-get >/dev/null 2>&1 || die "no MediaWiki .debs in $WIKI_CACHE and no apt-get"
    log "downloading mediawiki and mediawiki-classes .debs into $WIKI_CACHE"
    if ! (cd "$WIKI_CACHE" && apt-get download mediawiki mediawiki-classes >&2); then
        apt-get update -qq >&2
        (cd "$WIKI_CACHE" && apt-get download mediawiki mediawiki-classes >&2)
    fi
}

# What the built wiki depends on: a change to any of these files means a rebuild.
fingerprint() {
    (cd "$HERE" && cat testwiki.sh corpus.py dump.py generator.py model.py richtext.py \
        tricky.py vocabulary.py ChainedLingoBackend.php vendor/MANIFEST \
        vendor/smw-lingo-sg-vendor.tar.gz && echo "qdep=$WIKI_SMW_QDEP" \
        && echo "labels=$WIKI_LABELS") | sha256sum | cut -c1-16
}

# --- state --------------------------------------------------------------------------------

# A wiki is "built" when $WIKI_DIR/built names its page count and port; it is "serving"
# when the recorded process group is alive and the API answers on the port.
built_value() { sed -n "s/^$1=//p" "$WIKI_DIR/built" 2>/dev/null || true; }

probe() {
    local url="$URL/api.php?action=query&meta=siteinfo&format=json"
    if command -v curl >/dev/null 2>&1; then
        local body
        body=$(curl -fsS --max-time 20 "$url" 2>/dev/null) || return 1
        grep -q '"sitename":"NORA Test"' <<<"$body"
    else
        "$PYTHON" - "$url" <<'PY' >/dev/null 2>&1
import sys, urllib.request
body = urllib.request.urlopen(sys.argv[1], timeout=20).read().decode()
sys.exit(0 if '"sitename":"NORA Test"' in body else 1)
PY
    fi
}

server_pgid() {
    local pgid
    pgid=$(cat "$WIKI_DIR/server.pgid" 2>/dev/null) || return 1
    [ -n "$pgid" ] && kill -0 -- "-$pgid" 2>/dev/null && echo "$pgid"
}

serving() { server_pgid >/dev/null && [ "$(built_value port)" = "$WIKI_PORT" ] && probe; }

port_busy() {
    if command -v ss >/dev/null 2>&1; then
        [ -n "$(ss -Hltn "sport = :$WIKI_PORT")" ]
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$WIKI_PORT") 2>/dev/null
    fi
}

# --- build --------------------------------------------------------------------------------

php_maint() { (cd "$MW" && php "maintenance/$1.php" "${@:2}"); }

sql() {  # sql DB STATEMENT: one statement on data/DB.sqlite (no sqlite3 CLI needed)
    php -r '$d = new PDO("sqlite:" . $argv[1]); $d->exec($argv[2]) !== false || exit(1);' \
        "$WIKI_DIR/data/$1.sqlite" "$2"
}

unpack() {
    local tmp="$WIKI_DIR/pkg" deb
    mkdir -p "$tmp"
    for deb in "$WIKI_CACHE"/mediawiki_*.deb "$WIKI_CACHE"/mediawiki-classes_*.deb; do
        dpkg-deb -x "$deb" "$tmp"
    done
    mv "$tmp/usr/share/mediawiki" "$MW"
    rm -rf "$tmp"
    # The package's absolute symlinks point into /var/lib and /etc: replace them.
    rm -f "$MW/extensions" "$MW/config" "$MW/images" "$MW/LocalSettings.php"
    ln -s extensions-core "$MW/extensions"
    mkdir -p "$MW/images" "$WIKI_DIR/cache"
    # Semantic MediaWiki with its PHP dependencies and autoloader, Lingo, SemanticGlossary
    tar -xzf "$VENDOR/smw-lingo-sg-vendor.tar.gz" -C "$MW/extensions-core" \
        SemanticMediaWiki Lingo SemanticGlossary
    cp "$HERE/ChainedLingoBackend.php" "$MW/NoraTestChainedLingoBackend.php"
}

write_settings() {
    cat >>"$MW/LocalSettings.php" <<PHP

# --- nora-archive test wiki (tests/wiki/testwiki.sh) ---
\$wgArticlePath = "/wiki/\$1";
\$wgUsePathInfo = true;
\$wgCacheDirectory = "$WIKI_DIR/cache";
\$wgExtraNamespaces[3000] = "FS";
\$wgExtraNamespaces[3001] = "FS_overleg";
\$wgExtraNamespaces[3002] = "Werkruimte";
\$wgExtraNamespaces[3003] = "Werkruimte_overleg";
\$wgContentNamespaces = [ NS_MAIN, 3000 ];
\$wgNamespacesWithSubpages[3002] = true;
\$wgNamespacesToBeSearchedDefault[3000] = true;
\$wgJobRunRate = 0;
\$wgEnableUploads = true;
\$wgUseInstantCommons = false;
\$wgShowExceptionDetails = true;
\$wgDBservers = [ [
    'host' => '', 'dbname' => \$wgDBname, 'user' => '', 'password' => '', 'type' => 'sqlite',
    'flags' => DBO_DEFAULT, 'load' => 1, 'variables' => [ 'synchronous' => 'OFF' ],
] ];

# Semantic MediaWiki 5.1.0 (vendored, no composer run): its own autoloader first, because
# enableSemantics() is an autoload "files" entry and MediaWiki loads an extension's
# autoloader only after LocalSettings.
require_once "\$IP/extensions/SemanticMediaWiki/vendor/autoload.php";
wfLoadExtension( 'SemanticMediaWiki' );
enableSemantics( '127.0.0.1' );
\$smwgConfigFileDir = "$WIKI_DIR/data";  # .smw.json, SMW's upgrade key
\$smwgNamespacesWithSemanticLinks[3000] = true;
\$smwgNamespacesWithSemanticLinks[3002] = true;
# SMW's default: no factbox, except on pages that ask for it with __SHOWFACTBOX__
\$smwgShowFactbox = SMW_FACTBOX_HIDDEN;
# on: a page whose query results change (its Afgeleide relaties) re-renders on its next
# view; SMW's default (off) leaves it stale until purged. The live site may run either.
\$smwgEnabledQueryDependencyLinksStore = $WIKI_SMW_QDEP;

# Lingo 3.2.4 + SemanticGlossary 5.0.1, after SMW. SemanticGlossary sets Lingo's backend
# after LocalSettings has run, so the backend that reads both glossaries (Lingo's page and
# SemanticGlossary's pages) is chosen in an extension function.
wfLoadExtension( 'Lingo' );
wfLoadExtension( 'SemanticGlossary' );
\$wgexLingoPage = 'Project:Terminologie';
\$wgAutoloadClasses['NoraTestChainedLingoBackend'] = "\$IP/NoraTestChainedLingoBackend.php";
\$wgExtensionFunctions[] = static function () {
    \$GLOBALS['wgexLingoBackend'] = 'NoraTestChainedLingoBackend';
};
PHP
}

refresh_links() {
    # Link tables and SMW's store, both written by the links update. Property pages first,
    # in one process: a value is stored with its property's type, so every type must be
    # known before any page using it is stored. Then two processes over page-id halves:
    # ~3x faster than the import's inline link updates.
    php_maint refreshLinks --quiet --namespace 102 >>"$WIKI_DIR/build.log" 2>&1
    # A new property type queues SMW's change propagation, which re-stores every page using
    # the property: run it now, while no page uses one (a second or two, not half a minute).
    php_maint runJobs --quiet >>"$WIKI_DIR/build.log" 2>&1
    local max half
    max=$(sqlite3 "$WIKI_DIR/data/wiki.sqlite" 'SELECT MAX(page_id) FROM page' 2>/dev/null \
        || php -r '$d=new PDO("sqlite:'"$WIKI_DIR"'/data/wiki.sqlite");echo $d->query("SELECT MAX(page_id) FROM page")->fetchColumn();')
    half=$(( (max + 1) / 2 ))
    php_maint refreshLinks --quiet --e "$half" 1 >>"$WIKI_DIR/build.log" 2>&1 &
    local first=$!
    php_maint refreshLinks --quiet $(( half + 1 )) >>"$WIKI_DIR/build.log" 2>&1
    wait "$first"
}

# Only ever wipe an empty folder or one this script built.
wipe() {
    if [ -e "$WIKI_DIR" ] && [ -n "$(ls -A "$WIKI_DIR" 2>/dev/null)" ] \
        && [ ! -f "$WIKI_DIR/build.log" ] && [ ! -f "$WIKI_DIR/built" ]; then
        die "refusing to wipe $WIKI_DIR: it is not a test wiki folder (set WIKI_DIR)"
    fi
    rm -rf "$WIKI_DIR"
}

build() {
    install_packages
    log "building a $WIKI_PAGES-page wiki in $WIKI_DIR (port $WIKI_PORT, labels $WIKI_LABELS)"
    wipe
    mkdir -p "$WIKI_DIR/data" "$WIKI_DIR/corpus"
    : >"$WIKI_DIR/build.log"
    PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" "$PYTHON" -m tests.wiki.corpus \
        --pages "$WIKI_PAGES" --out "$WIKI_DIR/corpus" --base-url "$URL" --labels "$WIKI_LABELS" \
        >>"$WIKI_DIR/build.log" 2>&1 &
    local gen=$!
    unpack
    php_maint install --dbtype=sqlite --dbpath="$WIKI_DIR/data" --dbname=wiki \
        --server="$URL" --scriptpath="" --lang=nl --confpath="$MW" \
        --pass="nora-test-wiki-$RANDOM$RANDOM" "NORA Test" "Beheerder" >>"$WIKI_DIR/build.log" 2>&1 \
        || { tail -20 "$WIKI_DIR/build.log" >&2; die "install.php failed"; }
    write_settings
    # SMW's tables (through LoadExtensionSchemaUpdates) and its upgrade key
    php_maint update --quick >>"$WIKI_DIR/build.log" 2>&1 \
        || { tail -20 "$WIKI_DIR/build.log" >&2; die "update.php (SMW setup) failed"; }
    wait "$gen" || { tail -20 "$WIKI_DIR/build.log" >&2; die "corpus generation failed"; }
    log "importing $(grep -c '<page>' "$WIKI_DIR/corpus/dump.xml") pages"
    php_maint importDump --no-updates --quiet "$WIKI_DIR/corpus/dump.xml" >>"$WIKI_DIR/build.log" 2>&1
    php_maint importImages --quiet --skip-dupes --user="Beheerder" --comment="Icoon elementtype" \
        --extensions=png "$WIKI_DIR/corpus/icons" >>"$WIKI_DIR/build.log" 2>&1
    php_maint edit --quiet --user="Beheerder" --summary="Hoofdpagina NORA test" Hoofdpagina \
        <"$WIKI_DIR/corpus/main.wiki" >>"$WIKI_DIR/build.log" 2>&1
    log "refreshing links and storing SMW data"
    refresh_links
    # Settle the jobs the import queued, so later control operations start from a calm queue.
    log "running queued jobs: $(php_maint showJobs --group 2>/dev/null | tr '\n' ' ' || echo '?')"
    php_maint runJobs --quiet >>"$WIKI_DIR/build.log" 2>&1
    log "emptying the parser cache, rebuilding recent changes"
    # Pages rendered before all SMW data was stored hold stale query results (and Lingo,
    # which builds one glossary per PHP process, may have missed terms in batch renders):
    # empty the parser cache, so that every page's first view renders alone, current.
    sql wikicache "DELETE FROM objectcache WHERE keyname GLOB '*:pcache:*'"
    php_maint rebuildrecentchanges --quiet >>"$WIKI_DIR/build.log" 2>&1
    php_maint initSiteStats --update --quiet >>"$WIKI_DIR/build.log" 2>&1
    printf 'pages=%s\nport=%s\nfingerprint=%s\nlabels=%s\n' "$WIKI_PAGES" "$WIKI_PORT" \
        "$(fingerprint)" "$WIKI_LABELS" >"$WIKI_DIR/built"
}

# --- serve --------------------------------------------------------------------------------

start() {
    port_busy && die "port $WIKI_PORT is taken by another process (set WIKI_PORT)"
    : >>"$WIKI_DIR/access.log"
    # setsid: the server leads its own process group, so `down` stops the workers too.
    # Output goes to a file: a caller reading our stdout must not wait on the server; and
    # the lock (fd 9) is not inherited, or the server would hold it for its lifetime.
    NORA_WIKI_ACCESS_LOG="$WIKI_DIR/access.log" PHP_CLI_SERVER_WORKERS="$WIKI_WORKERS" \
        setsid php -d opcache.enable_cli=1 -d opcache.enable=1 -d memory_limit=512M \
        -S "127.0.0.1:$WIKI_PORT" -t "$MW" "$HERE/router.php" \
        </dev/null >>"$WIKI_DIR/server.log" 2>&1 9>&- &
    echo "$!" >"$WIKI_DIR/server.pgid"
    local i
    for i in $(seq 1 300); do  # up to a minute: a loaded machine answers slowly
        probe && return 0
        kill -0 "$(cat "$WIKI_DIR/server.pgid")" 2>/dev/null || break
        sleep 0.1
    done
    tail -20 "$WIKI_DIR/server.log" >&2
    die "the server did not answer on $URL"
}

stop() {
    local pgid i
    pgid=$(server_pgid) || { rm -f "$WIKI_DIR/server.pgid"; return 0; }
    kill -TERM -- "-$pgid" 2>/dev/null || true
    for i in $(seq 1 50); do
        kill -0 -- "-$pgid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$pgid" 2>/dev/null || true
    rm -f "$WIKI_DIR/server.pgid"
}

with_lock() {
    mkdir -p "$(dirname "$WIKI_DIR")"
    exec 9>"$WIKI_DIR.lock"
    flock 9
}

up_to_date() {
    [ "$(built_value pages)" = "$WIKI_PAGES" ] && [ "$(built_value port)" = "$WIKI_PORT" ] \
        && [ "$(built_value labels)" = "$WIKI_LABELS" ] \
        && [ "$(built_value fingerprint)" = "$(fingerprint)" ]
}

cmd_up() {
    with_lock
    if serving && up_to_date; then
        echo "$URL"
        return 0
    fi
    stop
    up_to_date || build
    start
    log "serving $(built_value pages) pages + tricky ones at $URL (log: $WIKI_DIR/access.log)"
    echo "$URL"
}

cmd_clone() {
    local src=${1:?usage: testwiki.sh clone SRC_WIKI_DIR}
    [ -f "$src/built" ] || die "$src is not a built test wiki"
    [ "$(cd "$src" && pwd)" != "$(mkdir -p "$WIKI_DIR" && cd "$WIKI_DIR" && pwd)" ] \
        || die "clone source and WIKI_DIR are the same"
    with_lock
    stop
    wipe
    mkdir -p "$WIKI_DIR"
    cp -al "$src/mw" "$MW"   # hard links: code is read-only; LocalSettings is rewritten
    rm "$MW/LocalSettings.php"
    sed -e "s#$src/#$WIKI_DIR/#g" -e "s#\"$src\"#\"$WIKI_DIR\"#g" \
        -e "s#^\$wgServer = .*#\$wgServer = \"$URL\";#" \
        "$src/mw/LocalSettings.php" >"$MW/LocalSettings.php"
    if [ -n "${WIKI_SMW_QDEP_SET:-}" ]; then  # a clone that differs from its source
        sed -i "s/^\$smwgEnabledQueryDependencyLinksStore = .*/\$smwgEnabledQueryDependencyLinksStore = $WIKI_SMW_QDEP;/" \
            "$MW/LocalSettings.php"
    fi
    cp -a "$src/corpus" "$src/cache" "$WIKI_DIR/"
    mkdir -p "$WIKI_DIR/data"
    cp -a "$src/data/.smw.json" "$WIKI_DIR/data/"  # SMW refuses to run without its key
    # A consistent copy even while the source serves (its parser cache may be writing).
    "$PYTHON" - "$src/data" "$WIKI_DIR/data" <<'PY'
import pathlib, sqlite3, sys
src, dst = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for db in sorted(src.glob("*.sqlite")):
    with sqlite3.connect(db) as a, sqlite3.connect(dst / db.name) as b:
        a.backup(b)
PY
    sed -e "s/^port=.*/port=$WIKI_PORT/" "$src/built" >"$WIKI_DIR/built"
    echo "clone_of=$src" >>"$WIKI_DIR/built"
    start
    echo "$URL"
}

cmd_status() {
    if serving; then
        echo "serving $URL pages=$(built_value pages) dir=$WIKI_DIR"
    elif [ -f "$WIKI_DIR/built" ]; then
        echo "built, stopped: pages=$(built_value pages) dir=$WIKI_DIR"
        return 1
    else
        echo "absent: $WIKI_DIR"
        return 2
    fi
}

case "${1:-}" in
    install-packages) install_packages ;;
    up) cmd_up ;;
    down) with_lock; stop; log "stopped ($WIKI_DIR)" ;;
    status) cmd_status ;;
    clone) shift; cmd_clone "$@" ;;
    *) sed -n '2,14p' "$0" >&2; exit 2 ;;
esac
