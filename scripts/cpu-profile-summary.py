#!/usr/bin/env python3
"""Summarizes a dotnet-trace sampled-thread-time profile converted to speedscope (scripts/bench-profile.sh).

Only samples whose leaf is CPU_TIME count: a thread in managed code, running or ready to run (EventPipe cannot tell the
two apart, so on a busy box the total can exceed the cores; /proc's per-thread CPU is the true CPU). Waits and blocked
native calls do not count. Prints that time per thread, then the frames holding most of it inclusively and exclusively
(the frame above CPU_TIME), each as a share of all such samples.

    cpu-profile-summary.py <trace.speedscope.json> [top N]
"""
import collections
import json
import sys


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    with open(path) as f:
        trace = json.load(f)
    frames = [frame["name"] for frame in trace["shared"]["frames"]]
    inclusive, exclusive, per_thread = collections.Counter(), collections.Counter(), {}
    total = 0.0
    for profile in trace["profiles"]:
        stack, last, busy = [], profile["startValue"], 0.0
        for event in profile["events"]:
            elapsed, last = event["at"] - last, event["at"]
            if stack and frames[stack[-1]] == "CPU_TIME":
                busy += elapsed
                exclusive[frames[stack[-2]] if len(stack) > 1 else "?"] += elapsed
                for name in {frames[i] for i in stack}:
                    inclusive[name] += elapsed
            if event["type"] == "O":
                stack.append(event["frame"])
            elif stack:
                stack.pop()
        span = profile["endValue"] - profile["startValue"]
        per_thread[profile["name"]] = (busy, span)
        total += busy
    if total == 0:
        print("no managed-code samples")
        return
    print("managed time per thread (ms in managed code / ms traced):")
    for name, (busy, span) in sorted(per_thread.items(), key=lambda item: -item[1][0])[:12]:
        print(f"  {name}: {busy:8.0f} / {span:8.0f} ({100 * busy / span:5.1f}%)")
    structural = ("CPU_TIME", "Threads", "(Non-Activities)", "Process64", "Thread (", "Thread.StartCallback")
    print(f"\nTop {top} frames by inclusive managed time (share of {total:.0f} ms):")
    shown = 0
    for name, value in inclusive.most_common():
        if any(name.startswith(s) or s in name for s in structural):
            continue
        print(f"  {100 * value / total:5.1f}%  {name.split('!')[-1][:140]}")
        shown += 1
        if shown == top:
            break
    print(f"\nTop {top} frames by exclusive managed time:")
    for name, value in exclusive.most_common(top):
        print(f"  {100 * value / total:5.1f}%  {name.split('!')[-1][:140]}")


if __name__ == "__main__":
    main()
