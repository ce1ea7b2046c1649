#!/usr/bin/env python3
"""Per-thread census of one or more processes over a window, from /proc: CPU, context switches and run-queue wait.

    scripts/thread-census.py PID[,PID...] SECONDS [--messages N | --top N]

Threads are grouped by name with digits folded (".NET TP Worker", "SingleThreadEventExecutor", the journal writer), so
three nodes of a cluster add up per kind of thread. Prints a markdown table, largest CPU first, and a total line; with
--messages (the messages handled in the window) also switches and CPU per message. A voluntary switch is a thread going
to sleep (it waits for work, a lock or I/O: each is paid for again by the wake that ends it), an involuntary one a
thread preempted while runnable; the run-queue wait is how long runnable threads waited for a core (schedstat).
With --top N it prints instead the CPU of the N busiest threads, one line each, ungrouped (a serial stage is one thread
near 100%). Used by scripts/bench-census.sh and scripts/bench-profile.sh; Linux only.
"""

import argparse
import collections
import os
import re
import sys
import time


def snapshot(pids):
    """{(pid, tid): (name, cpu_ticks, voluntary, involuntary, runqueue_wait_ns, timeslices)} for every live thread."""
    threads = {}
    for pid in pids:
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except FileNotFoundError:
            continue
        for tid in tids:
            base = f"/proc/{pid}/task/{tid}"
            try:
                with open(f"{base}/comm") as f:
                    name = f.read().strip()
                with open(f"{base}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                with open(f"{base}/status") as f:
                    status = f.read()
                with open(f"{base}/schedstat") as f:
                    _, wait_ns, slices = (int(v) for v in f.read().split()[:3])
            except (FileNotFoundError, ProcessLookupError, ValueError):
                continue  # the thread ended between the listing and the reads
            voluntary = int(re.search(r"^voluntary_ctxt_switches:\s*(\d+)", status, re.M).group(1))
            involuntary = int(re.search(r"^nonvoluntary_ctxt_switches:\s*(\d+)", status, re.M).group(1))
            threads[(pid, tid)] = (name, int(fields[11]) + int(fields[12]), voluntary, involuntary, wait_ns, slices)
    return threads


def census(pids, seconds, per_thread=False):
    """Per thread group, or per thread ((name, pid, tid)) with per_thread, over the window: [threads, cpu_seconds,
    voluntary, involuntary, wait_ns, slices]."""
    ticks = os.sysconf("SC_CLK_TCK")
    before = snapshot(pids)
    time.sleep(seconds)
    after = snapshot(pids)
    groups = collections.defaultdict(lambda: [0, 0.0, 0, 0, 0, 0])
    for key, (name, cpu, vol, invol, wait, slices) in after.items():
        _, cpu0, vol0, invol0, wait0, slices0 = before.get(key, (name, 0, 0, 0, 0, 0))
        group = groups[(name, *key) if per_thread else re.sub(r"\d+", "#", name)]
        group[0] += 1
        group[1] += (cpu - cpu0) / ticks
        group[2] += vol - vol0
        group[3] += invol - invol0
        group[4] += wait - wait0
        group[5] += slices - slices0
    return groups


def busiest(groups, seconds, top):
    """The CPU of the busiest threads, one "  12.3%  name" line each."""
    for (name, _, _), g in sorted(groups.items(), key=lambda item: -item[1][1])[:top]:
        print(f"{100 * g[1] / seconds:6.1f}%  {name.replace(' ', '_')}")


def report(groups, seconds, messages):
    rows = sorted(((n, g) for n, g in groups.items() if g[1] > 0 or g[2] > 0), key=lambda r: (-r[1][1], -r[1][2]))
    print("| threads (name, digits folded) | count | CPU % of a core | voluntary switches/s | involuntary/s | run-queue wait ms/s |")
    print("|---|---:|---:|---:|---:|---:|")
    total = [0, 0.0, 0, 0, 0, 0]
    for name, g in rows:
        print(f"| {name} | {g[0]} | {100 * g[1] / seconds:.1f} | {g[2] / seconds:,.0f} | {g[3] / seconds:,.0f} | {g[4] / seconds / 1e6:.1f} |")
        total = [t + v for t, v in zip(total, g)]
    print(f"| **all** | {total[0]} | {100 * total[1] / seconds:.1f} | {total[2] / seconds:,.0f} | {total[3] / seconds:,.0f} | {total[4] / seconds / 1e6:.1f} |")
    if messages:
        print()
        print(f"Per message ({messages:,} in {seconds:g} s): {total[2] / messages:.1f} voluntary and {total[3] / messages:.1f} "
              f"involuntary switches, {1e6 * total[1] / messages:,.0f} µs of CPU.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pids", help="comma-separated process ids")
    parser.add_argument("seconds", type=float)
    parser.add_argument("--messages", type=int, default=0, help="messages handled in the window, for per-message figures")
    parser.add_argument("--top", type=int, default=0, help="instead, the CPU of the N busiest threads, ungrouped")
    args = parser.parse_args()
    pids = [p for p in args.pids.split(",") if p]
    if not pids or not all(p.isdigit() for p in pids):
        sys.exit("thread-census.py: PIDs must be numbers, comma-separated")
    if args.top:
        busiest(census(pids, args.seconds, per_thread=True), args.seconds, args.top)
    else:
        report(census(pids, args.seconds), args.seconds, args.messages)


if __name__ == "__main__":
    main()
