"""`vidjil-admin backup` / `restore` (issue 11, model.md §7.2): backup -> wipe -> restore gives
back every row of every table and every file; a damaged archive or a non-empty target is
refused before anything is written. Each test uses a scratch database (t/lib/vlab.py)."""
import glob
import hashlib
import io
import os
import tarfile

import vtest
from vlab import Lab

LONG = "results_file.data_file." + "a" * 120 + ".vidjil"


def _populate(lab):
    lab.init()
    r = lab.admin("demo-data")
    assert r.returncode == 0, r.stderr
    # Rows with unicode and escapes, files with a long name (pax header), in a subdirectory,
    # a symbolic link (files of a mounted file system, model.md §7.5), and a job work dir.
    lab.sql("INSERT INTO patient (first_name, last_name, info, creator, sample_set_id) "
            "SELECT 'Amélie', 'O''Brien\\\\東京', 'line1\\nline2\\t#tag', NULL, MIN(id) FROM sample_set")
    with open(os.path.join(lab.results, LONG), "w") as f:
        f.write('{"clones": []}')
    os.makedirs(os.path.join(lab.results, "sub"))
    with open(os.path.join(lab.results, "sub", "analysis.analysis"), "wb") as f:
        f.write(os.urandom(70000))
    os.symlink("/mnt/data/src/run1/reads.fastq.gz", os.path.join(lab.uploads, "sequence_file.data_file.nfs.fastq.gz"))
    os.makedirs(os.path.join(lab.results, "work", "out-000001"))
    with open(os.path.join(lab.results, "work", "out-000001", "job.log"), "w") as f:
        f.write("work files are not backed up")


def _backup(lab, outdir, *opts):
    r = lab.admin("backup", *opts, outdir)
    assert r.returncode == 0, r.stderr
    made = glob.glob(os.path.join(outdir, "vidjil-backup-*"))
    assert len(made) == 1, made
    # Nothing else left behind (temporary archive, dump).
    assert os.listdir(outdir) == [os.path.basename(made[0])], os.listdir(outdir)
    return made[0]


def test_backup_wipe_restore_gives_back_every_row_and_file(env):
    lab = Lab(env)
    try:
        _populate(lab)
        rows, files = lab.all_rows(), lab.files()
        assert rows["patient"] and rows["auth_user"] and rows["sequence_file"]
        outdir = os.path.join(lab.dir, "backups")
        os.makedirs(outdir)
        path = _backup(lab, outdir, "--full")
        assert os.path.basename(path).endswith("-full.tar")
        assert (os.stat(path).st_mode & 0o077) == 0, oct(os.stat(path).st_mode)
        # A standard tar: its members are what the manifest lists, with the right sums.
        with tarfile.open(path) as t:
            names = t.getnames()
            manifest = t.extractfile("MANIFEST.sha256").read().decode()
            assert "# schema: " in manifest and "# rows: patient " in manifest
            for line in manifest.splitlines():
                if line.startswith("#"):
                    continue
                sha, name = line.split("  ", 1)
                m = t.getmember(name)
                data = m.linkname.encode() if m.issym() else t.extractfile(m).read()
                assert hashlib.sha256(data).hexdigest() == sha, name
        assert "results/" + LONG in names and "results/sub/analysis.analysis" in names
        assert not any(n.startswith("results/work") for n in names), names
        lab.wipe()
        for rel in list(files):
            if rel.startswith("results/work"):
                del files[rel]
        assert lab.count("auth_user") == 0 and lab.files() == {}
        r = lab.admin("restore", path)
        assert r.returncode == 0, r.stderr
        # The restore itself is audited (after the rows it loaded).
        assert lab.sql("SELECT client_ip, detail LIKE '%%%s%%' FROM vidjil_audit WHERE action = 'admin_restore'"
                       % os.path.basename(path)) == [["vidjil-admin", "1"]]
        assert lab.sql("SELECT COUNT(*) FROM vidjil_audit WHERE action = 'admin_backup'") == [["0"]]
        lab.sql("DELETE FROM vidjil_audit WHERE action = 'admin_restore'")
        after = lab.all_rows()
        assert sorted(after) == sorted(rows)
        # The schema comes from migrate (same migrations, applied now), not from the backup.
        for d in (rows, after):
            d["vidjil_schema_version"] = [r.rsplit("\t", 1)[0] for r in d["vidjil_schema_version"]]
        # The change counter jumps forward at a restore (no running program may keep what it read
        # before under a value seen again), and every trigger is there again.
        assert int(after.pop("vidjil_change")[0].split("\t")[1]) > int(rows.pop("vidjil_change")[0].split("\t")[1])
        triggers = "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() " \
                   "AND TRIGGER_NAME LIKE 'vidjil\\_chg\\_%'"
        assert int(lab.sql(triggers)[0][0]) > 0 and lab.sql(triggers) == env.sql(triggers)
        for table in rows:
            assert after[table] == rows[table], (table, rows[table][:3], after[table][:3])
        assert lab.files() == files
    finally:
        lab.close()


def test_backup_without_full_leaves_uploads_and_since_filters(env):
    lab = Lab(env)
    try:
        _populate(lab)
        old = os.path.join(lab.results, "old.vidjil")
        with open(old, "w") as f:
            f.write("{}")
        os.utime(old, (1000000000, 1000000000))
        outdir = os.path.join(lab.dir, "b")
        os.makedirs(outdir)
        path = _backup(lab, outdir, "--since", "2020-01-01", "--gzip")
        assert path.endswith("-since-20200101.tar.gz"), path
        with tarfile.open(path) as t:
            names = t.getnames()
        assert "database.sql" in names and "results/" + LONG in names
        assert "results/old.vidjil" not in names
        assert not any(n.startswith("sequences/") for n in names), names
        bad = lab.admin("backup", "--since", "yesterday", outdir)
        assert bad.returncode != 0 and "YYYY-MM-DD" in bad.stderr
        for args in (["backup"], ["backup", "--bogus", outdir], ["restore"], ["export", "group"], ["import", outdir],
                     ["clonedb-export", "1"]):
            u = lab.admin(*args)
            assert u.returncode == 2 and "usage: vidjil-admin " + args[0] in u.stderr, (args, u.returncode, u.stderr)
        inside = os.path.join(lab.results, "backups")
        os.makedirs(inside)
        bad = lab.admin("backup", inside)
        assert bad.returncode != 0 and "outside the data directories" in bad.stderr, bad.stderr
        assert os.listdir(inside) == []
    finally:
        lab.close()


def test_restore_refuses_a_damaged_member_before_writing_anything(env):
    lab = Lab(env)
    try:
        _populate(lab)
        outdir = os.path.join(lab.dir, "b")
        os.makedirs(outdir)
        path = _backup(lab, outdir, "--full")
        with tarfile.open(path) as t:
            offset = t.getmember("results/sub/analysis.analysis").offset_data
        with open(path, "r+b") as f:
            f.seek(offset + 60000)
            b = f.read(1)
            f.seek(offset + 60000)
            f.write(bytes([b[0] ^ 0xFF]))
        lab.wipe()
        r = lab.admin("restore", path)
        assert r.returncode != 0
        assert "results/sub/analysis.analysis (checksum differs)" in r.stderr and "Nothing was restored" in r.stderr, r.stderr
        assert lab.files() == {}
        assert lab.count("auth_user") == 0 and lab.count("patient") == 0
    finally:
        lab.close()


def test_restore_refuses_a_non_empty_database_or_data_directory(env):
    lab = Lab(env)
    try:
        _populate(lab)
        outdir = os.path.join(lab.dir, "b")
        os.makedirs(outdir)
        path = _backup(lab, outdir)
        before = lab.all_rows()
        r = lab.admin("restore", path)
        assert r.returncode != 0 and "the database is not empty" in r.stderr, r.stderr
        assert lab.all_rows() == before
        # Empty database, but files left in DIR_RESULTS.
        lab.root_sql("DROP DATABASE `%s`" % lab.db)
        lab.create_database()
        r = lab.admin("restore", path)
        assert r.returncode != 0 and "data directories are not empty" in r.stderr, r.stderr
        assert lab.count("auth_user") == 0
        # Not a backup at all.
        junk = os.path.join(lab.dir, "junk.tar")
        with tarfile.open(junk, "w") as t:
            data = b"hello"
            info = tarfile.TarInfo("results/x")
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        r = lab.admin("restore", "--force", junk)
        assert r.returncode != 0 and "MANIFEST.sha256" in r.stderr, r.stderr
    finally:
        lab.close()


def test_backup_memory_stays_bounded_with_a_large_file(env):
    """Opt-in (VIDJIL_BENCH_BACKUP=<MB>, e.g. 1024): backup and restore of a results file of that
    size; prints the peak resident memory of each command (bounded: members are streamed)."""
    mb = int(os.environ.get("VIDJIL_BENCH_BACKUP", "0") or 0)
    if mb <= 0:
        raise vtest.Skip("set VIDJIL_BENCH_BACKUP=<MB> to run")
    import subprocess
    import time
    lab = Lab(env)
    try:
        lab.init()
        big = os.path.join(lab.results, "big.vidjil")
        block = os.urandom(1 << 20)
        with open(big, "wb") as f:
            for _ in range(mb):
                f.write(block)
        outdir = os.path.join(lab.dir, "b")
        os.makedirs(outdir)
        e = dict(os.environ, VIDJIL_CONF=lab.conf)
        admin = os.path.join(env.builddir, "vidjil-admin")

        def timed(*args):
            t0 = time.time()
            p = subprocess.run(["/usr/bin/time", "-f", "%M", admin] + list(args), env=e, capture_output=True, text=True)
            assert p.returncode == 0, p.stderr
            return time.time() - t0, int(p.stderr.strip().splitlines()[-1])

        t, rss = timed("backup", outdir)
        print("backup of %d MB: %.1f s, peak RSS %d KB" % (mb, t, rss))
        assert rss < 64 * 1024, rss
        path = glob.glob(os.path.join(outdir, "vidjil-backup-*"))[0]
        want = hashlib.sha256(open(big, "rb").read()).hexdigest()
        lab.wipe()
        t, rss = timed("restore", path)
        print("restore of %d MB: %.1f s, peak RSS %d KB" % (mb, t, rss))
        assert rss < 64 * 1024, rss
        h = hashlib.sha256()
        with open(big, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        assert h.hexdigest() == want
    finally:
        lab.close()


def _crafted(lab, dump, path, members):
    """A backup archive with a correct manifest around `members` [(name, data or None, link)]."""
    members = [("database.sql", dump, None)] + members
    lines = ["# vidjil-server backup", "# format: 1", "# kind: full"]
    lines += ["# schema: %s %s" % (v, n) for v, n in lab.sql("SELECT version, name FROM vidjil_schema_version ORDER BY version")]
    for name, data, link in members:
        lines.append("%s  %s" % (hashlib.sha256(link.encode() if link is not None else data).hexdigest(), name))
    members.append(("MANIFEST.sha256", ("\n".join(lines) + "\n").encode(), None))
    with tarfile.open(path, "w") as t:
        for name, data, link in members:
            i = tarfile.TarInfo(name)
            if link is not None:
                i.type, i.linkname = tarfile.SYMTYPE, link
                t.addfile(i)
            else:
                i.size = len(data)
                t.addfile(i, io.BytesIO(data))


def _dump_of(lab):
    """database.sql of a real backup of the (empty, migrated) lab, which is then wiped (the
    backup left its audit row)."""
    outdir = os.path.join(lab.dir, "dump-" + lab.env.unique())
    os.makedirs(outdir)
    path = _backup(lab, outdir)
    with tarfile.open(path) as t:
        data = t.extractfile("database.sql").read()
    lab.wipe()
    return data


def test_restore_never_writes_through_a_symbolic_link(env):
    lab = Lab(env)
    outside = os.path.join(lab.dir, "outside")
    os.makedirs(outside)
    try:
        dump = _dump_of(lab)
        # A link member, then a file below it: refused before anything is written.
        evil = os.path.join(lab.dir, "evil.tar")
        _crafted(lab, dump, evil, [("results/x", None, outside), ("results/x/pwned", b"owned", None)])
        r = lab.admin("restore", evil)
        assert r.returncode != 0 and "below the link results/x" in r.stderr, r.stderr
        assert os.listdir(outside) == [] and lab.files() == {}
        # A link already in DIR_RESULTS (restore --force over existing files): not followed.
        os.symlink(outside, os.path.join(lab.results, "y"))
        evil2 = os.path.join(lab.dir, "evil2.tar")
        _crafted(lab, dump, evil2, [("results/y/pwned", b"owned", None)])
        r = lab.admin("restore", "--force", evil2)
        assert r.returncode != 0 and "is not a directory" in r.stderr, r.stderr
        assert os.listdir(outside) == []
    finally:
        lab.close()
