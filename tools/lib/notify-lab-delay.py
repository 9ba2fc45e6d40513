"""notify-lab-delay.py — how soon a receiver on the LAN hears of an outage, over the lab's faults
(README, "Notifications: delay and drain"): tools/netlab's home network, `ispmon run` on its host
with the lab's targets every INTERVAL and a webhook channel to the notification tests' HTTP catcher
on the switch's LAN address (192.0.2.2, reachable whatever fault is beyond the switch). Each round
injects a fault (router-hang, isp-down, resolver-down in turns), and times:
  - the commit that opens the outage: `ispmon status --json`, polled every 20 ms from another
    process (a reader of the store), shows it open; the commit is taken to be at the start of the
    last poll that did not (so that the delay is overstated by up to one poll, never understated);
  - the catcher's receipt of the outage notice (the webhook's request);
then restores the fault and waits for the recovery notice. Reports per fault and over all: the delay
from the commit to the request (the goal: at most 2 s), and from the fault to the request.
Usage (root): notify-lab-delay.py ISPMON [ROUNDS_PER_FAULT] [INTERVAL]   (defaults 4, 400ms)"""
import json, os, subprocess, sys, tempfile, threading, time, statistics

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ispmon = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 4
interval = sys.argv[3] if len(sys.argv) > 3 else "400ms"
prefix = "nd" + str(os.getpid() % 1000)
netlab = [root + "/tools/netlab"]
env = dict(os.environ, NETLAB_PREFIX=prefix)
work = tempfile.mkdtemp(prefix="notify-lab-delay.")
log = work + "/requests.ndjson"
store = work + "/store"

def lab(*args, **kw):
    return subprocess.run(netlab + list(args), env=env, check=True, **kw)

lab("up", stdout=subprocess.DEVNULL)
catcher = mon = None
try:
    catcher = subprocess.Popen(["ip", "netns", "exec", prefix + "-sw", "python3",
                                root + "/Tests/ISPMonNotifyTests/Receivers/http_catcher.py", log, "192.0.2.2"],
                               stdout=subprocess.PIPE)
    cport = int(catcher.stdout.readline())
    config = lab("config", interval, capture_output=True, text=True).stdout
    config += f"""web: {{listen: "off"}}
site: lab
notify:
  - name: lan
    kind: webhook
    url: http://192.0.2.2:{cport}/hook
    min_interval: 1s
"""
    open(work + "/lab.yaml", "w").write(config)
    mon = subprocess.Popen(["ip", "netns", "exec", prefix + "-host", ispmon, "run", "--config", work + "/lab.yaml",
                            "--data", store, "--log-level", "warning"])

    def requests():
        try:
            return [json.loads(l) for l in open(log)]
        except FileNotFoundError:
            return []

    def status():
        r = subprocess.run([ispmon, "status", "--json", "--data", store], capture_output=True, text=True)
        try:
            return json.loads(r.stdout)
        except ValueError:
            return {}

    def wait(cond, seconds, what):
        end = time.time() + seconds
        while time.time() < end:
            if cond():
                return
            time.sleep(0.02)
        raise SystemExit("notify-lab-delay: timed out waiting for " + what)

    wait(lambda: status().get("connectivity") == "up" and status().get("dns") == "up", 60, "the lab to be up")
    time.sleep(2)
    results = []  # (fault, commit->request, fault->request)
    for i in range(rounds):
        for fault in ["router-hang", "isp-down", "resolver-down"]:
            seen = len(requests())
            opened = {}
            stop = threading.Event()

            def poll():
                # The commit fell after the start of the last read that did not see the outage
                # (taken as its time: the delay is then, if anything, overstated).
                before = time.time()
                while not stop.is_set():
                    start = time.time()
                    s = status()
                    if s.get("open_outage") and "t" not in opened:
                        opened["t"] = before
                        opened["id"] = s["open_outage"]["id"]
                    elif not s.get("open_outage"):
                        before = start
                    time.sleep(0.02)
            t = threading.Thread(target=poll)
            t.start()
            t0 = time.time()
            lab("fault", fault)
            wait(lambda: any(r["headers"].get("idempotency-key", "").endswith("/outage") for r in requests()[seen:]), 30,
                 "the outage notice of " + fault)
            t1 = time.time()
            wait(lambda: "t" in opened, 5, "the status to show the outage")
            stop.set(); t.join()
            results.append((fault, t1 - opened["t"], t1 - t0))
            print("%-14s commit -> request %.3f s, fault -> request %.3f s" % (fault, t1 - opened["t"], t1 - t0), flush=True)
            lab("restore", fault)
            wait(lambda: any(r["headers"].get("idempotency-key", "").endswith("/recovery") for r in requests()[seen:]), 60,
                 "the recovery notice of " + fault)
            wait(lambda: not status().get("open_outage"), 30, "the outage to close")
            time.sleep(2)

    def summary(rows):
        c = sorted(r[1] for r in rows); f = sorted(r[2] for r in rows)
        return "commit -> request median %.3f s, max %.3f s; fault -> request median %.3f s, max %.3f s (%d outages)" % (
            statistics.median(c), c[-1], statistics.median(f), f[-1], len(rows))
    for fault in ["router-hang", "isp-down", "resolver-down"]:
        print("%-14s %s" % (fault, summary([r for r in results if r[0] == fault])))
    print("%-14s %s" % ("all", summary(results)))
finally:
    if mon:
        mon.terminate(); mon.wait()
    if catcher:
        catcher.kill(); catcher.wait()
    subprocess.run(netlab + ["down"], env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["rm", "-rf", work])
