#!/usr/bin/env python3
"""Helpers for bench/run (standard library only; talks to 127.0.0.1 only).

  bench.py freeport
  bench.py wait PORT [TIMEOUT_S]                 wait for 200 from GET /healthz
  bench.py startup BIN DBURL                     spawn `BIN serve` on a free port, print ms to first 200
  bench.py rss BIN DBURL SETTLE_S                spawn, wait for 200, sleep, print VmRSS in KiB
  bench.py vmrss PID                             print VmRSS of a running process in KiB
  bench.py login PORT EMAIL                      password on stdin; print the Cookie header value
  bench.py wrk FILE                              print "req_per_s p99_ms non2xx socket_errors"
  bench.py loadrun PID OUT CMD...                run CMD (wrk) with stdout to OUT; print the share of
                                                 the machine's CPU time that went to processes other
                                                 than CMD and server PID meanwhile, in %
  bench.py quiet MAX_PCT TIMEOUT_S               wait until the machine is less than MAX_PCT % busy
                                                 over one second; print the last reading
  bench.py stats V...                            print "median min max"
"""

import http.client
import os
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse

HOST = "127.0.0.1"


def freeport():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def healthz_once(port, timeout):
    """True if GET /healthz answered 200. Raises OSError when nothing listens yet.

    Debrief binds its port *before* it migrates the database, so a connection
    can be accepted by the kernel early; the request then waits in the backlog
    until the server is ready, and the 200 marks the moment it is."""
    with socket.create_connection((HOST, port), timeout=timeout) as s:
        s.sendall(
            b"GET /healthz HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n"
            % (HOST.encode(), port)
        )
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(256)
            if not chunk:
                break
            data += chunk
        return data.startswith(b"HTTP/1.1 200")


def wait_ready(port, deadline, proc=None):
    while time.perf_counter() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"server exited with status {proc.returncode} before answering")
        try:
            if healthz_once(port, max(0.05, deadline - time.perf_counter())):
                return time.perf_counter()
        except OSError:
            pass
        time.sleep(0.0005)  # tight poll: 0.5 ms
    raise SystemExit(f"no 200 from http://{HOST}:{port}/healthz in time")


def spawn(binary, dburl, port):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEBRIEF_")}
    env["DEBRIEF_LOG"] = os.environ.get("DEBRIEF_LOG", "warn")
    return subprocess.Popen(
        [binary, "serve", "--database", dburl, "--listen", f"{HOST}:{port}"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def vmrss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise SystemExit(f"no VmRSS for pid {pid}")


def startup(binary, dburl, port):
    t0 = time.perf_counter()
    proc = spawn(binary, dburl, port)
    try:
        t1 = wait_ready(port, t0 + 30, proc)
    finally:
        stop(proc)
    print(f"{(t1 - t0) * 1000:.1f}")


def rss(binary, dburl, port, settle):
    proc = spawn(binary, dburl, port)
    try:
        wait_ready(port, time.perf_counter() + 30, proc)
        time.sleep(settle)
        print(vmrss_kib(proc.pid))
    finally:
        stop(proc)


def login(port, email):
    password = sys.stdin.readline().rstrip("\r\n")
    origin = f"http://{HOST}:{port}"
    c = http.client.HTTPConnection(HOST, port, timeout=10)
    c.request("GET", "/login")
    r = c.getresponse()
    body = r.read().decode()
    cookies = {}
    for k, v in r.getheaders():
        if k.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            cookies[name] = rest.split(";", 1)[0]
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', body)
    if r.status != 200 or not m or cookies.get("debrief_csrf") != m.group(1):
        raise SystemExit(f"GET /login: status {r.status}, no matching csrf cookie and field")
    csrf = m.group(1)
    form = urllib.parse.urlencode({"csrf": csrf, "email": email, "password": password})
    c.request(
        "POST",
        "/login",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"debrief_csrf={csrf}",
            "Origin": origin,
            "Sec-Fetch-Site": "same-origin",
        },
    )
    r = c.getresponse()
    r.read()
    session = None
    for k, v in r.getheaders():
        if k.lower() == "set-cookie" and v.startswith("debrief_session="):
            session = v.split(";", 1)[0].split("=", 1)[1]
    if r.status != 303 or not session:
        raise SystemExit(f"POST /login: status {r.status}, no session cookie")
    cookie = f"debrief_session={session}; debrief_csrf={csrf}"
    c.request("GET", "/", headers={"Cookie": cookie})
    r = c.getresponse()
    r.read()
    if r.status != 200:
        raise SystemExit(f"GET / with the session cookie: status {r.status}, not 200")
    print(cookie)


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrk(path):
    text = open(path).read()
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errs = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    if not rps or not p99:
        raise SystemExit(f"cannot parse wrk output {path}")
    print(
        rps.group(1),
        f"{float(p99.group(1)) * UNITS_MS[p99.group(2)]:.2f}",
        non2xx.group(1) if non2xx else 0,
        sum(int(x) for x in errs.groups()) if errs else 0,
    )


CLK_TCK = os.sysconf("SC_CLK_TCK")


def machine_busy_ticks():
    """Busy CPU ticks of the whole machine (steal included), from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (v + [0] * 8)[:8]
    return user + nice + system + irq + softirq + steal


def proc_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return int(rest[11]) + int(rest[12])  # utime + stime


def loadrun(pid, out, cmd):
    ncpu = os.cpu_count() or 1
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    m0, s0, t0 = machine_busy_ticks(), proc_ticks(pid), time.monotonic()
    with open(out, "w") as f:
        subprocess.run(cmd, stdout=f, check=True)
    m1, s1, t1 = machine_busy_ticks(), proc_ticks(pid), time.monotonic()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    tool = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * CLK_TCK
    other = max(0.0, (m1 - m0) - (s1 - s0) - tool)
    print(f"{100 * other / ((t1 - t0) * CLK_TCK * ncpu):.1f}")


def busy_pct(seconds=1.0):
    ncpu = os.cpu_count() or 1
    m0, t0 = machine_busy_ticks(), time.monotonic()
    time.sleep(seconds)
    m1, t1 = machine_busy_ticks(), time.monotonic()
    return 100 * (m1 - m0) / ((t1 - t0) * CLK_TCK * ncpu)


def quiet(max_pct, timeout):
    deadline = time.monotonic() + timeout
    while True:
        b = busy_pct()
        if b < max_pct or time.monotonic() >= deadline:
            print(f"{b:.1f}")
            return


def stats(values):
    v = [float(x) for x in values]
    print(f"{statistics.median(v):g} {min(v):g} {max(v):g}")


def main(argv):
    if not argv:
        raise SystemExit(__doc__)
    cmd, args = argv[0], argv[1:]
    if cmd == "freeport":
        print(freeport())
    elif cmd == "wait":
        timeout = float(args[1]) if len(args) > 1 else 30
        wait_ready(int(args[0]), time.perf_counter() + timeout)
    elif cmd == "startup":
        startup(args[0], args[1], freeport())
    elif cmd == "rss":
        rss(args[0], args[1], freeport(), float(args[2]))
    elif cmd == "vmrss":
        print(vmrss_kib(int(args[0])))
    elif cmd == "login":
        login(int(args[0]), args[1])
    elif cmd == "wrk":
        parse_wrk(args[0])
    elif cmd == "loadrun":
        loadrun(int(args[0]), args[1], args[2:])
    elif cmd == "quiet":
        quiet(float(args[0]), float(args[1]))
    elif cmd == "stats":
        stats(args)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
