"""A private single-node Slurm cluster for the tests (t/integration/test_slurm.py, bench/slurm-bench):
munged with its own key and socket, slurmctld -D and slurmd -D with a slurm.conf of their own in a
temporary directory, on free loopback ports, as the current user (root in t/run-all), no systemd.

    with SlurmCluster() as cluster:
        env = cluster.env()          # SLURM_CONF for sbatch/squeue/sacct/scancel
        cluster.restart_controller() # slurmctld stopped and started again (state kept)

Everything started is stopped in stop() (also on errors in start()). unavailable() says why a
cluster cannot be started here (packages missing), for vtest.Skip.
"""
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time

NODE = "vnode1"
PARTITION = "vidjil"
URGENT = "urgent"
BINARIES = ("munged", "slurmctld", "slurmd", "sbatch", "squeue", "sacct", "scancel", "scontrol")


def _which(name):
    for d in ("/usr/sbin", "/usr/bin", "/sbin", "/bin"):
        p = os.path.join(d, name)
        if os.access(p, os.X_OK):
            return p
    return shutil.which(name)


def unavailable():
    """None when a cluster can be started, else why not."""
    missing = [b for b in BINARIES if not _which(b)]
    if missing:
        return "Slurm/munge are not installed (missing %s; scripts/install-deps installs slurmctld slurmd " \
               "slurm-client munge)" % ", ".join(missing)
    return None


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class SlurmCluster:
    def __init__(self, cpus=2, memory_mb=4000, min_job_age=300, extra_conf="", preemption=False):
        self.cpus = cpus
        self.memory_mb = memory_mb
        self.min_job_age = min_job_age
        self.extra_conf = extra_conf
        # A second partition, URGENT, whose jobs cancel (preempt) those of PARTITION.
        self.preemption = preemption
        self.dir = None
        self.procs = {}

    # --- paths -------------------------------------------------------------------------------
    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    @property
    def conf(self):
        return self.path("etc", "slurm.conf")

    def env(self, base=None):
        e = dict(base if base is not None else {"PATH": "/usr/bin:/bin:/usr/sbin:/sbin"})
        e["SLURM_CONF"] = self.conf
        return e

    # --- life --------------------------------------------------------------------------------
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        why = unavailable()
        if why:
            raise RuntimeError(why)
        self.dir = tempfile.mkdtemp(prefix="vidjil-slurm-")
        os.chmod(self.dir, 0o711)  # the batch steps' programs (RUNNER_USER) pass through it
        for d in ("etc", "munge", "state", "spool", "log", "run"):
            os.makedirs(self.path(d), mode=0o700)
        try:
            self._start_munge()
            self._write_conf()
            self._start("slurmctld", [_which("slurmctld"), "-D", "-f", self.conf])
            self._wait_controller()
            self._start("slurmd", [_which("slurmd"), "-D", "-N", NODE, "-f", self.conf])
            self._wait_node_idle()
        except Exception:
            self.stop()
            raise

    def stop(self):
        for name in ("slurmd", "slurmctld", "munged"):
            self._stop(name)
        # Batch steps still running (slurmstepd) are children of nobody we hold: end them by pid.
        for pid in self._stepd_pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.dir and not os.environ.get("VIDJIL_KEEP_SLURM"):
            shutil.rmtree(self.dir, ignore_errors=True)

    def stop_controller(self):
        self._stop("slurmctld")

    def start_controller(self):
        self._start("slurmctld", [_which("slurmctld"), "-D", "-f", self.conf])
        self._wait_controller()

    def restart_controller(self):
        self.stop_controller()
        self.start_controller()

    # --- commands ----------------------------------------------------------------------------
    def run(self, *argv, check=True, timeout=30):
        p = subprocess.run(list(argv), env=self.env(), capture_output=True, text=True, timeout=timeout)
        if check and p.returncode != 0:
            raise RuntimeError("%s failed (%d): %s" % (" ".join(argv), p.returncode, p.stderr.strip()))
        return p

    def state_of(self, slurm_job_id):
        """Slurm's state of a job (squeue), or None when Slurm no longer knows it."""
        p = self.run("squeue", "-h", "-t", "all", "-j", str(slurm_job_id), "-o", "%T", check=False)
        out = p.stdout.strip()
        return out or None

    def log(self, name):
        try:
            return open(self.path("log", name + ".log")).read()
        except OSError:
            return ""

    # --- internals ---------------------------------------------------------------------------
    def _start_munge(self):
        key = self.path("munge", "munge.key")
        with open(key, "wb") as f:
            f.write(os.urandom(1024))
        os.chmod(key, 0o400)
        self.munge_socket = self.path("munge", "munge.socket")
        self._start("munged", [_which("munged"), "-F", "--force", "--socket=" + self.munge_socket,
                               "--key-file=" + key, "--pid-file=" + self.path("run", "munged.pid"),
                               "--seed-file=" + self.path("munge", "munged.seed"),
                               "--log-file=" + self.path("log", "munged.log"), "--num-threads=2"])
        end = time.time() + 15
        while time.time() < end:
            if os.path.exists(self.munge_socket):
                return
            if self.procs["munged"].poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("munged did not start: " + self.log("munged") + self._output("munged"))

    def _write_conf(self):
        user = os.environ.get("USER") or subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
        self.ctld_port, self.slurmd_port = _free_port(), _free_port()
        conf = """# written by t/lib/slurm_cluster.py: a private single-node cluster for the tests
ClusterName=vidjiltest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
SlurmUser={user}
SlurmdUser={user}
AuthType=auth/munge
AuthInfo=socket={munge}
CredType=cred/munge
StateSaveLocation={dir}/state
SlurmdSpoolDir={dir}/spool/%n
SlurmctldPidFile={dir}/run/slurmctld.pid
SlurmdPidFile={dir}/run/slurmd-%n.pid
SlurmctldLogFile={dir}/log/slurmctld.log
SlurmdLogFile={dir}/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=1
JobAcctGatherParams=OverMemoryKill
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc={dir}/log/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
MinJobAge={min_job_age}
# Job ids of each test cluster differ: rows left by an earlier cluster never match a new job.
FirstJobId={first_job_id}
KillWait=2
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=60
MessageTimeout=5
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1,bf_interval=1
PriorityType=priority/basic
RebootProgram=/bin/true
NodeName={node} NodeAddr=127.0.0.1 NodeHostname=localhost CPUs={cpus} RealMemory={mem} State=UNKNOWN
PartitionName={partition} Nodes={node} Default=YES MaxTime=INFINITE State=UP PriorityTier=1
""".format(ctld_port=self.ctld_port, slurmd_port=self.slurmd_port, user=user, munge=self.munge_socket, dir=self.dir,
           min_job_age=self.min_job_age, first_job_id=random.randint(1000, 50000000), node=NODE, cpus=self.cpus, mem=self.memory_mb, partition=PARTITION)
        if self.preemption:
            conf = conf.replace("PriorityType=priority/basic\n", "PriorityType=priority/basic\n"
                                "PreemptType=preempt/partition_prio\nPreemptMode=CANCEL\n")
            conf += "PartitionName=%s Nodes=%s MaxTime=INFINITE State=UP PriorityTier=10\n" % (URGENT, NODE)
        with open(self.conf, "w") as f:
            f.write(conf + self.extra_conf)
        os.chmod(self.conf, 0o644)
        os.chmod(self.path("etc"), 0o755)

    def _start(self, name, argv):
        out = open(self.path("log", name + ".out"), "ab")
        self.procs[name] = subprocess.Popen(argv, env=self.env(), stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        out.close()

    def _output(self, name):
        try:
            return open(self.path("log", name + ".out")).read()[-2000:]
        except OSError:
            return ""

    def _stop(self, name):
        p = self.procs.pop(name, None)
        if not p or p.poll() is not None:
            return
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=5)

    def _stepd_pids(self):
        pids = []
        if not self.dir:
            return pids
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                cmd = open("/proc/%s/cmdline" % d, "rb").read().split(b"\0")
                env = open("/proc/%s/environ" % d, "rb").read()
            except OSError:
                continue
            if cmd and cmd[0].endswith(b"slurmstepd") and self.conf.encode() in env:
                pids.append(int(d))
        return pids

    def _wait_controller(self):
        end = time.time() + 30
        while time.time() < end:
            if self.run("scontrol", "ping", check=False).stdout.find("UP") >= 0:
                return
            p = self.procs.get("slurmctld")
            if p and p.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError("slurmctld did not start: " + self.log("slurmctld")[-3000:] + self._output("slurmctld"))

    def _wait_node_idle(self):
        end = time.time() + 40
        state = ""
        while time.time() < end:
            state = self.run("sinfo", "-h", "-n", NODE, "-o", "%T", check=False).stdout.strip()
            if state.startswith("idle") or state.startswith("mixed") or state.startswith("allocated"):
                return
            p = self.procs.get("slurmd")
            if p and p.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError("slurmd did not register (node state %r): %s %s" % (
            state, self.log("slurmd")[-3000:], self._output("slurmd")))


if __name__ == "__main__":
    # Manual check: starts a cluster, runs one job, stops it.
    with SlurmCluster() as c:
        print("cluster in", c.dir)
        p = c.run("sbatch", "--parsable", "--wrap", "echo hello; sleep 1", "-o", c.path("log", "job-%j.out"))
        jid = p.stdout.strip()
        print("job", jid)
        for _ in range(100):
            s = c.state_of(jid)
            print(s)
            if s in ("COMPLETED", "FAILED", "CANCELLED"):
                break
            time.sleep(0.5)
        print(c.run("sacct", "-j", jid, check=False))
