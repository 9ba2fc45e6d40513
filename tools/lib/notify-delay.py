"""notify-delay.py — how soon the LAN receiver hears of an outage (README, "Notifications"): a real
`ispmon run` on loopback only (a router and two internet targets: TCP listeners this script holds),
a webhook channel to the notification tests' HTTP catcher. Each round closes the internet listener
(connections are refused: an outage) and times the webhook request of its outage notice, then opens
it again and waits for the recovery. The time includes the detection (3 failed probes 200 ms apart)
and the monitor's group commit (up to 200 ms).
Usage: notify-delay.py [ROUNDS] [ISPMON]   (default 8 rounds, .build/release/ispmon)"""
import json, os, socket, subprocess, sys, tempfile, time, signal
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ispmon = sys.argv[2] if len(sys.argv) > 2 else root + "/.build/release/ispmon"
work = tempfile.mkdtemp(prefix="notify-delay.")
log = work + "/requests.ndjson"
catcher = subprocess.Popen(["python3", root + "/Tests/ISPMonNotifyTests/Receivers/http_catcher.py", log], stdout=subprocess.PIPE)
cport = int(catcher.stdout.readline())
router = socket.socket(); router.bind(("127.0.0.1", 0)); router.listen(64)
def listener(port=0):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", port)); s.listen(512); return s
inet = listener(); iport = inet.getsockname()[1]
cfg = f"""interfaces: [lo]
web: {{listen: "off"}}
defaults:
  interval: 200ms
  timeout: 150ms
targets:
  - {{name: router, role: gateway, method: tcp, host: 127.0.0.1, port: {router.getsockname()[1]}}}
  - {{name: one, role: internet, method: tcp, host: 127.0.0.1, port: {iport}}}
  - {{name: two, role: internet, method: tcp, host: 127.0.0.1, port: {iport}}}
notify:
  - name: lan
    kind: webhook
    url: http://127.0.0.1:{cport}/hook
    min_interval: 1s
"""
open(work + "/c.yaml", "w").write(cfg)
mon = subprocess.Popen([ispmon, "run", "--config", work + "/c.yaml", "--data", work + "/store", "--log-level", "warning"])
def reqs():
    try: return [json.loads(l) for l in open(log)]
    except FileNotFoundError: return []
time.sleep(3)
delays = []
for i in range(int(sys.argv[1]) if len(sys.argv) > 1 else 8):
    n = len(reqs())
    inet.close(); t0 = time.time()
    while True:
        r = reqs()
        new = [x for x in r[n:] if x["headers"].get("idempotency-key", "").endswith("/outage")]
        if new: break
        time.sleep(0.005)
    t1 = time.time()
    key = new[0]["headers"]["idempotency-key"]
    delays.append(t1 - t0)
    inet = listener(iport)
    while not any(x["headers"].get("idempotency-key", "").endswith("/recovery") for x in reqs()[n:]): time.sleep(0.01)
    time.sleep(1.5)
mon.send_signal(signal.SIGTERM); mon.wait(); catcher.kill()
subprocess.run(["rm", "-rf", work])
delays.sort()
print("cut -> outage request (s):", ["%.2f" % d for d in delays], "median %.2f max %.2f" % (delays[len(delays)//2], delays[-1]))
