# Daily housekeeping of vidjil-server sessions.
17 3 * * * vidjil /usr/sbin/vidjil-admin purge-sessions >/dev/null
