<?php
// Router for `php -S` in front of the test wiki.
// - Appends "METHOD URI" to $NORA_WIKI_ACCESS_LOG for every request (php -S does not log
//   requests a router handles; this log is how tests count requests).
// - Sends short URLs (/wiki/Title) and / to index.php, whatever the title looks like
//   ("Versie 1.0" would otherwise be taken for a file); everything else goes to
//   MediaWiki's own development router (static files with the right MIME types).
$log = getenv('NORA_WIKI_ACCESS_LOG');
if ($log) {
    file_put_contents($log, $_SERVER['REQUEST_METHOD'] . ' ' . $_SERVER['REQUEST_URI'] . "\n",
        FILE_APPEND | LOCK_EX);
}
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path === '/' || strncmp($path, '/wiki/', 6) === 0) {
    $_SERVER['SCRIPT_NAME'] = '/index.php';
    $_SERVER['SCRIPT_FILENAME'] = $_SERVER['DOCUMENT_ROOT'] . '/index.php';
    $_SERVER['PHP_SELF'] = '/index.php';
    chdir($_SERVER['DOCUMENT_ROOT']);
    require $_SERVER['DOCUMENT_ROOT'] . '/index.php';
    return true;
}
return require $_SERVER['DOCUMENT_ROOT'] . '/maintenance/dev/includes/router.php';
