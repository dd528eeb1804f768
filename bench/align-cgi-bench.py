#!/usr/bin/env python3
"""Times align.cgi and similarity.cgi through nginx on 20 related sequences of 300 bp, as the web
client posts them (see bench/README-news), in both FastCGI modes, on a private stack started and
stopped like bench/news-poll-bench.py does. Not part of the tests.
Usage: bench/align-cgi-bench.py [--builddir DIR] [--count 20] [--length 300] [--repeats 20]
                                [--modes fcgiwrap,spawn-fcgi]
"""
import argparse
import importlib.util
import json
import os
import random
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("news_poll_bench", os.path.join(HERE, "news-poll-bench.py"))
npb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(npb)


def clones(count, length, seed=2024):
    """Variants of one random sequence: substitutions, small indels, trimmed starts."""
    rnd = random.Random(seed)
    base = "".join(rnd.choice("ACGT") for _ in range(length))
    seqs = [base]
    while len(seqs) < count:
        s = list(base)
        for _ in range(8):
            at = rnd.randrange(len(s) - 5)
            kind = rnd.randrange(3)
            if kind == 0:
                s[at] = rnd.choice("ACGT")
            elif kind == 1:
                del s[at:at + 1 + rnd.randrange(4)]
            else:
                s[at:at] = rnd.choice("ACGT") * (1 + rnd.randrange(4))
        seqs.append("".join(s)[rnd.randrange(10):])
    return seqs


def time_endpoint(stack, path, body, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        status, _, data = stack.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})
        times.append((time.perf_counter() - t0) * 1000)
        assert status == 200, data[:300]
    return times, json.loads(data)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--builddir", default=os.environ.get("VIDJIL_BUILD_DIR", npb.SRCDIR))
    p.add_argument("--count", type=int, default=20)
    p.add_argument("--length", type=int, default=300)
    p.add_argument("--repeats", type=int, default=20)
    p.add_argument("--modes", default="fcgiwrap,spawn-fcgi")
    args = p.parse_args()
    seqs = clones(args.count, args.length)
    body = "".join(">clone%d\n%s\n" % (i, s) for i, s in enumerate(seqs)).encode()
    for mode in args.modes.split(","):
        with npb.Stack(args.builddir, mode) as stack:
            print("== %s: %d sequences of ~%d bp, %d requests each" % (mode, args.count, args.length, args.repeats))
            for name in ("align.cgi", "similarity.cgi"):
                times, answer = time_endpoint(stack, "/vidjil/cgi/" + name, body, args.repeats)
                if name == "align.cgi":
                    aligned = answer["seq"]
                    assert [s.replace("-", "") for s in aligned] == seqs and len({len(s) for s in aligned}) == 1
                print("  %-15s min %.1f ms, median %.1f ms, max %.1f ms" %
                      (name, min(times), statistics.median(times), max(times)))


if __name__ == "__main__":
    sys.exit(main())
