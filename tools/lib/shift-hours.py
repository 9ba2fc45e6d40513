#!/usr/bin/env python3
"""Moves an NDJSON export (`ispmon export`) in time by a whole number of hours, for the benchmarks.

  shift-hours.py --to-now FILE   prints the number of hours that moves FILE's newest (last) event
                                 to less than an hour before now
  shift-hours.py FILE HOURS      FILE with every "time" moved by HOURS (may be negative), on stdout

A shift by whole hours changes only the YYYY-MM-DDTHH of each time (the minutes, seconds and
microseconds stay), so each distinct hour is converted once: ~1 s per million events. A note's
"outage" (an id made of the outage's start, `c-20260301T020000.018413Z`) moves with it. The rest
of each line is copied byte for byte.
"""
import datetime as dt
import sys
import time


def when(line):
    i = line.index(b'"time":"') + 8
    return dt.datetime.strptime(line[i:i + 19].decode(), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.timezone.utc)


def to_now(path):
    with open(path, "rb") as f:
        f.seek(0, 2)
        f.seek(max(0, f.tell() - 4096))
        last = f.read().splitlines()[-1]
    return int((time.time() - when(last).timestamp()) // 3600)


def shift(path, hours):
    delta = dt.timedelta(hours=hours)
    cache, ids = {}, {}
    out = sys.stdout.buffer
    for line in open(path, "rb"):
        i = line.index(b'"time":"') + 8
        key = line[i:i + 13]  # YYYY-MM-DDTHH
        new = cache.get(key)
        if new is None:
            new = cache[key] = (dt.datetime.strptime(key.decode(), "%Y-%m-%dT%H") + delta).strftime("%Y-%m-%dT%H").encode()
        line = line[:i] + new + line[i + 13:]
        j = line.find(b'"outage":"')
        if j >= 0:
            j += 12  # past `"outage":"c-`
            key = line[j:j + 11]  # YYYYMMDDTHH
            new = ids.get(key)
            if new is None:
                new = ids[key] = (dt.datetime.strptime(key.decode(), "%Y%m%dT%H") + delta).strftime("%Y%m%dT%H").encode()
            line = line[:j] + new + line[j + 11:]
        out.write(line)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--to-now":
        print(to_now(sys.argv[2]))
    elif len(sys.argv) == 3:
        shift(sys.argv[1], int(sys.argv[2]))
    else:
        sys.exit(__doc__)
