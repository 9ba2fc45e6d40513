#!/usr/bin/env python3
"""A month of a home network as NDJSON for `ispmon import` (the report benchmark's store):
10 targets probed every 5 s for 30 days from 2026-03-01 (about 5.2 M events), the internet
down for 10 minutes every day at 07:00 (the ISP), the router for 4 minutes at 02:00, and a speed
test every 6 hours. Deterministic: the same bytes every run. Usage: month-store.py > month.ndjson"""
import random
import sys

random.seed(7)
T0 = 1772323200  # 2026-03-01T00:00:00Z
DAYS = 30
TARGETS = [("router", "gateway", "icmp", 0.5), ("isp-edge", "isp", "icmp", 6.0)] + \
    [(f"host-{i}", "internet", "icmp", 11.0 + i) for i in range(6)] + \
    [("resolver", "dns", "dns", 12.0), ("resolver-2", "dns", "dns", 15.0)]

out = sys.stdout
w = out.write


def stamp(t_us):
    s, us = divmod(t_us, 1_000_000)
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s)) + ".%06dZ" % us


w('{"time":"%s","type":"monitor","state":"started","version":"0.3.0"}\n' % stamp(T0 * 1_000_000))
for step in range(DAYS * 86400 // 5):
    t = T0 + step * 5
    second_of_day = (t - T0) % 86400
    isp_down = 7 * 3600 <= second_of_day < 7 * 3600 + 600
    router_down = 2 * 3600 <= second_of_day < 2 * 3600 + 240
    for k, (name, role, method, rtt) in enumerate(TARGETS):
        t_us = t * 1_000_000 + k * 3_000 + 1
        down = router_down or (isp_down and role not in ("gateway",))
        if down:
            w('{"time":"%s","type":"probe","target":"%s","role":"%s","method":"%s","ok":false,"error":"timeout"}\n'
              % (stamp(t_us), name, role, method))
        else:
            w('{"time":"%s","type":"probe","target":"%s","role":"%s","method":"%s","ok":true,"rtt_ms":%.3f}\n'
              % (stamp(t_us), name, role, method, rtt * (0.8 + random.random() * 0.5)))
    if second_of_day % 21600 == 600:
        w('{"time":"%s","type":"speedtest","server":"http://203.0.113.20/down","ok":true,"down_mbps":%.1f,"up_mbps":%.1f,"rtt_ms":9.1}\n'
          % (stamp(t * 1_000_000 + 500_000), 70 + random.random() * 30, 15 + random.random() * 5))
