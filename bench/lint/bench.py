#!/usr/bin/env python3
"""Benchmark of the blameless-language checker (see docs/benchmarks.md).

1. Throughput and peak memory of `debrief lint` on one core (taskset -c 0) over a
   generated corpus of postmortems (default 100 MB) with a 10,000-person
   directory, median of RUNS runs; peak memory also on 1 MB and 10 MB prefixes of
   the corpus, to show that it does not grow with the file.
2. alex and write-good (npm, installed into bench/lint/node_modules) against
   debrief on the same 1 MB sample, in the same run, on the same core.
3. What each tool flags on the evaluation set
   (crates/debrief-core/tests/lint-eval/sentences.tsv): the share of blameful
   sentences with at least one warning, and of clean sentences with none.

Usage: bench/lint/bench.py [--debrief PATH] [--runs 5] [--alex-runs 1]
       [--size 100e6] [--data DIR]
"""
import argparse
import datetime
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
EVAL = os.path.join(ROOT, "crates", "debrief-core", "tests", "lint-eval", "sentences.tsv")
TEST = os.path.join(ROOT, "crates", "debrief-core", "tests", "lint-eval", "test.tsv")
EVAL_PEOPLE = os.path.join(ROOT, "crates", "debrief-core", "tests", "lint-eval", "people.txt")
BIN = os.path.join(HERE, "node_modules", ".bin")


def timed(cmd, stdout=subprocess.DEVNULL):
    """Runs cmd pinned to core 0; returns (wall seconds, peak RSS in KB, exit
    code, CPU seconds). CPU time (user + system of the command, from the
    kernel's accounting of waited-for children, to the microsecond) is the work
    done on the core, which processes sharing the machine inflate less than wall
    time. Peak RSS comes from /usr/bin/time, a small parent whose own size a
    child does not inherit (Python's would be)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-o", t.name, "-f", "%M", "taskset", "-c", "0"] + cmd,
                           stdout=stdout, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - t0
        kb = int([l for l in open(t.name).read().splitlines() if l.strip()][-1])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, kb, p.returncode, cpu


def loadavg():
    try:
        return open("/proc/loadavg").read().split()[0]
    except OSError:
        return "?"


def prefix(src, dst, size):
    """The first `size` bytes of src, cut at a line break."""
    with open(src, "rb") as f:
        data = f.read(int(size))
    data = data[: data.rfind(b"\n") + 1]
    with open(dst, "wb") as f:
        f.write(data)
    return len(data)


def machine():
    model = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) // 1024 // 1024} GiB"
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {mem}, Linux {platform.release()}"


def commit():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip()
    except OSError:
        return "?"


def eval_sentences():
    """(blameful, text) for each sentence of the first evaluation set."""
    out = []
    for line in open(EVAL, encoding="utf-8"):
        if not line.strip() or line.startswith("#"):
            continue
        labels, text = line.rstrip("\n").split("\t", 1)
        out.append((labels.strip() != "clean", text))
    return out


def held_out_sentences():
    """(blameful, text) for each sentence of the held-out test part (classes
    starting with ok- are blameless; a literal \\n is a line break)."""
    out = []
    for line in open(TEST, encoding="utf-8"):
        if not line.strip() or line.startswith("#"):
            continue
        cls, text = line.rstrip("\n").split("\t", 1)
        out.append((not cls.startswith("ok-"), text.replace("\\n", "\n")))
    return out


def flagged_lines(tool, path, debrief):
    """Line numbers on which a tool reports at least one warning."""
    if tool == "debrief":
        p = subprocess.run([debrief, "lint", "--format", "json", "--people", EVAL_PEOPLE, path],
                           capture_output=True, text=True)
        import json
        return {f["line"] for f in json.loads(p.stdout)["findings"] if f["severity"] != "note"}
    if tool == "alex":
        p = subprocess.run([os.path.join(BIN, "alex"), path], capture_output=True, text=True)
        return {int(m.group(1)) for m in re.finditer(r"^\s*(\d+):\d+(?:-\d+:\d+)?\s+warning", p.stderr + p.stdout, re.M)}
    p = subprocess.run([os.path.join(BIN, "write-good"), path], capture_output=True, text=True)
    return {int(m.group(1)) for m in re.finditer(r"on line (\d+) at column", p.stdout)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--debrief", default=os.path.join(ROOT, "target", "release", "debrief"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--alex-runs", type=int, default=1, help="alex needs minutes per MB")
    ap.add_argument("--size", type=float, default=100e6)
    ap.add_argument("--data", default=os.path.join(HERE, "data"))
    a = ap.parse_args()
    os.makedirs(a.data, exist_ok=True)
    people = os.path.join(a.data, "people.txt")
    corpus = os.path.join(a.data, "corpus.md")
    if not os.path.exists(people):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_people.py"), "--out", a.data], check=True)
    if not os.path.exists(corpus) or os.path.getsize(corpus) < a.size * 0.99:
        subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), "--people", people, "--size",
                        str(a.size), "-o", corpus], check=True)
    if not os.path.exists(os.path.join(BIN, "alex")):
        subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=HERE, check=True)
    size = os.path.getsize(corpus)
    sample = os.path.join(a.data, "sample-1mb.md")
    mid = os.path.join(a.data, "sample-10mb.md")
    sample_size = prefix(corpus, sample, 1e6)
    mid_size = prefix(corpus, mid, 10e6)

    print(f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; commit {commit()}")
    print(f"machine: {machine()}")
    print(f"corpus: {size / 1e6:.1f} MB of generated postmortems, {sum(1 for _ in open(people))} people in the directory")
    cmd = [a.debrief, "lint", "--people", people]

    # 1. throughput over the whole corpus
    load = loadavg()
    runs = [timed(cmd + [corpus]) for _ in range(a.runs)]
    secs = [r[0] for r in runs]
    cpu = [r[3] for r in runs]
    rss = [r[1] for r in runs]
    med = statistics.median(secs)
    print(f"\n## debrief lint, {size / 1e6:.0f} MB, one core, {a.runs} runs (load average before: {load}, after: {loadavg()})")
    print(f"command: taskset -c 0 debrief lint --people people.txt corpus.md > /dev/null")
    print(f"wall seconds: {' '.join(f'{s:.2f}' for s in secs)}  (exit code {runs[0][2]})")
    print(f"CPU seconds:  {' '.join(f'{s:.2f}' for s in cpu)}")
    print(f"throughput (wall): median {size / 1e6 / med:.1f} MB/s (best {size / 1e6 / min(secs):.1f}, worst {size / 1e6 / max(secs):.1f})")
    print(f"throughput (CPU time): median {size / 1e6 / statistics.median(cpu):.1f} MB/s")
    print(f"peak RSS: median {statistics.median(rss) / 1024:.1f} MB (max {max(rss) / 1024:.1f} MB)")
    for label, path, n in [("1 MB", sample, sample_size), ("10 MB", mid, mid_size)]:
        r = [timed(cmd + [path]) for _ in range(3)]
        print(f"peak RSS on {label}: {statistics.median(x[1] for x in r) / 1024:.1f} MB")

    # 2. the same 1 MB sample, side by side
    print(f"\n## the same {sample_size / 1e6:.2f} MB sample, one core (load average {loadavg()})")
    results = {}
    d = [timed(cmd + [sample]) for _ in range(a.runs)]
    results["debrief lint"] = d
    w = [timed([os.path.join(BIN, "write-good"), sample]) for _ in range(max(1, min(3, a.runs)))]
    results["write-good 1.0.8"] = w
    x = [timed([os.path.join(BIN, "alex"), sample]) for _ in range(a.alex_runs)]
    results["alex 11.0.1"] = x
    base = statistics.median(r[0] for r in d)
    base_cpu = statistics.median(r[3] for r in d)
    for name, rs in results.items():
        m = statistics.median(r[0] for r in rs)
        c = statistics.median(r[3] for r in rs)
        mbps = sample_size / 1e6 / m if m > 0 else float("inf")
        ratio = m / base if base > 0 else float("inf")
        cratio = c / base_cpu if base_cpu > 0 else float("inf")
        print(f"{name:<18} runs {len(rs)}  wall {m:8.3f} s  CPU {c:8.3f} s  {mbps:10.3f} MB/s  peak RSS {statistics.median(r[1] for r in rs) / 1024:7.1f} MB  "
              f"({ratio:,.0f}x the wall time, {cratio:,.0f}x the CPU time of debrief lint)")

    # 3. the evaluation sets: the first one, and the held-out test part
    for title, sents in [("the first evaluation set", eval_sentences()),
                         ("the held-out test part", held_out_sentences())]:
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "eval.md")
            line_of = []
            line = 1
            with open(path, "w", encoding="utf-8") as f:
                for _, text in sents:
                    line_of.append(set(range(line, line + text.count("\n") + 1)))
                    f.write(text + "\n\n")
                    line += text.count("\n") + 2
            nb = sum(b for b, _ in sents)
            nc = len(sents) - nb
            print(f"\n## {title}: {len(sents)} sentences, {nb} blameful, {nc} blameless")
            print("tool               blameful flagged   blameless not flagged")
            for tool in ["debrief", "alex", "write-good"]:
                lines = flagged_lines(tool, path, a.debrief)
                hit = sum(1 for (b, _), ls in zip(sents, line_of) if b and ls & lines)
                ok = sum(1 for (b, _), ls in zip(sents, line_of) if not b and not ls & lines)
                print(f"{tool:<18} {hit:4}/{nb} ({hit / nb:6.1%})   {ok:4}/{nc} ({ok / nc:6.1%})")

if __name__ == "__main__":
    main()
