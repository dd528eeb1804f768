# Daily housekeeping of vidjil-server sessions.
17 3 * * * vidjil /usr/sbin/vidjil-admin purge-sessions >/dev/null
# The job runner: queued analyses every minute (flock: one runner at a time on this host).
* * * * * vidjil flock -n /run/vidjil/vidjil-runner.lock /usr/sbin/vidjil-runner --once >>/var/log/vidjil/runner.log 2>&1
