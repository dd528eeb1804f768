# /etc/cron.d/vidjil-server: for hosts without systemd only. Under systemd the same work is
# done by vidjil-runner.service and vidjil-purge-sessions.timer, so these lines do nothing there
# (never two runners of one kind at once), nor once the package is removed (test -x).
PATH=/usr/sbin:/usr/bin:/sbin:/bin
# Daily housekeeping of sessions.
17 3 * * * vidjil test -x /usr/sbin/vidjil-admin && [ ! -d /run/systemd/system ] && vidjil-admin purge-sessions >/dev/null
# The job runner: queued analyses every minute (flock: one runner at a time on this host; the
# lock is not in /run/vidjil, which only systemd-tmpfiles makes again after a reboot).
* * * * * vidjil test -x /usr/sbin/vidjil-runner && [ ! -d /run/systemd/system ] && flock -n /var/lib/vidjil/vidjil-runner.lock vidjil-runner --once >>/var/log/vidjil/runner.log 2>&1
