#!/usr/bin/env python3
"""Time-to-ready and peak memory of apps that exit by themselves once ready.

Usage: measure.py RUNS SPEC_JSON
  SPEC_JSON: [{"label": ..., "cmd": [...], "env": {...}, "baseline": LABEL}, ...]
  (an env value of null removes the variable; "baseline" names the row a ratio is to)

Each app runs once as a discarded warm-up, then the apps take turns, RUNS rounds: drift on
the machine (a desktop portal waking up, another job) then hits every app alike instead of
whichever was measured last. Each round runs every app twice:
- a timed run: wall time from spawn to exit (the app exits right after its first screen is
  ready), with nothing sampling it, so the figure does not depend on the sampler (reading
  /proc every 5 ms takes ~30% of a core here, 2.4 ms a sample);
- a sampled run: peak memory, the highest sum of RSS over the whole process tree (the app
  plus WebKit's web/network processes), sampled from /proc every 5 ms; its time is not used.
Prints one JSON object: per label the medians and every run.
"""
import json
import os
import statistics
import subprocess
import sys
import threading
import time

PAGE = os.sysconf("SC_PAGE_SIZE")


def children_map():
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # The comm field may contain spaces; ppid is the 2nd field after the last ')'.
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def tree_rss(root):
    kids = children_map()
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
        except OSError:
            pass
        stack.extend(kids.get(pid, []))
    return total, len(seen)


def spawn(cmd, env):
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def finish(p, cmd):
    # WebKit helpers may outlive the app by a moment (and hold its stderr open): make sure
    # none are left behind.
    try:
        os.killpg(p.pid, 9)
    except ProcessLookupError:
        pass
    err = p.stderr.read().decode(errors="replace")
    if p.returncode != 0:
        raise SystemExit(f"{cmd[0]} exited {p.returncode}:\n{err[-2000:]}")


def timed_run(cmd, env, timeout):
    """Seconds from spawn to exit."""
    t0 = time.perf_counter()
    p = spawn(cmd, env)
    # A blocking wait returns at the exit itself; `wait(timeout)` polls, in steps of up to
    # 50 ms, which rounded the times up to that grid. The timeout is a timer instead.
    watchdog = threading.Timer(timeout, os.killpg, (p.pid, 9))
    watchdog.start()
    p.wait()
    elapsed = time.perf_counter() - t0
    watchdog.cancel()
    if elapsed >= timeout:
        raise SystemExit(f"{cmd[0]} did not exit within {timeout}s")
    finish(p, cmd)
    return elapsed


def sampled_run(cmd, env, timeout):
    """Peak RSS of the process tree (bytes) and the number of processes at that peak."""
    t0 = time.perf_counter()
    p = spawn(cmd, env)
    peak, procs = 0, 0
    while p.poll() is None:
        rss, n = tree_rss(p.pid)
        if rss > peak:
            peak, procs = rss, n
        if time.perf_counter() - t0 > timeout:
            os.killpg(p.pid, 9)
            raise SystemExit(f"{cmd[0]} did not exit within {timeout}s")
        time.sleep(0.005)
    finish(p, cmd)
    return peak, procs


def one_run(cmd, env, timeout):
    elapsed = timed_run(cmd, env, timeout)
    peak, procs = sampled_run(cmd, env, timeout)
    return elapsed, peak, procs


def summary(spec, runs):
    return {
        "label": spec["label"],
        "baseline": spec.get("baseline"),
        "ready_ms_median": round(statistics.median(r[0] for r in runs) * 1000, 1),
        # Noise here only adds time (without compositing, starts at times stall 0.5 s in a
        # timed wait inside WebKit, observed), so the best run is printed too.
        "ready_ms_best": round(min(r[0] for r in runs) * 1000, 1),
        "peak_rss_mib_median": round(statistics.median(r[1] for r in runs) / 2**20, 1),
        "processes_at_peak": max(r[2] for r in runs),
        "runs": [{"ready_ms": round(r[0] * 1000, 1), "peak_rss_mib": round(r[1] / 2**20, 1)} for r in runs],
    }


def main():
    runs, specs = int(sys.argv[1]), json.loads(sys.argv[2])
    envs = [{k: v for k, v in {**os.environ, **s.get("env", {})}.items() if v is not None} for s in specs]
    for s, env in zip(specs, envs):  # warm-up: page cache, first-start files
        one_run(s["cmd"], env, 90)
    results = {s["label"]: [] for s in specs}
    for _ in range(runs):
        for s, env in zip(specs, envs):
            results[s["label"]].append(one_run(s["cmd"], env, 90))
    print(json.dumps({s["label"]: summary(s, results[s["label"]]) for s in specs}))


if __name__ == "__main__":
    main()
