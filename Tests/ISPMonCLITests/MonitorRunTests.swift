import Foundation
import Testing
import TestSupport
import ISPMonCore

#if canImport(Glibc)
import Glibc
#endif

/// `ispmon run` on loopback targets only: it records, stops cleanly on SIGTERM or
/// SIGINT, refuses a second monitor, and refuses a bad config before starting.
@Suite(.serialized) struct MonitorRunTests {
    /// A listening TCP socket on loopback (closed at the end) and a port nobody listens on.
    final class Ports {
        let listener: Int32
        let open: UInt16
        let closed: UInt16
        init() {
            func bound(_ listen: Bool) -> (Int32, UInt16) {
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var addr = sockaddr_in()
                addr.sin_family = sa_family_t(AF_INET)
                addr.sin_addr.s_addr = inet_addr("127.0.0.1")
                var len = socklen_t(MemoryLayout<sockaddr_in>.size)
                _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
                if listen { Glibc.listen(fd, 64) }
                _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
                return (fd, UInt16(bigEndian: addr.sin_port))
            }
            (listener, open) = bound(true)
            let (c, port) = bound(false)
            close(c)
            closed = port
        }
        deinit { close(listener) }
    }

    /// `webPort` 0: the kernel chooses (tests that do not talk to the server).
    func config(_ ports: Ports, webPort: UInt16 = 0, extra: String = "") -> String {
        """
        interfaces: [lo]
        web: {listen: "127.0.0.1:\(webPort)"}
        defaults:
          interval: 200ms
          timeout: 150ms
        targets:
          - {name: router, role: gateway, method: tcp, host: 127.0.0.1, port: \(ports.open)}
          - {name: dead, role: internet, method: tcp, host: 127.0.0.1, port: \(ports.closed)}
          - {name: one, role: internet, method: tcp, host: 127.0.0.1, port: \(ports.open)}
        \(extra)
        """
    }

    func start(_ configFile: String, data: String, environment: [String: String] = [:],
               logLevel: String = "warning", stderr: String? = nil) throws -> Process {
        let p = Process()
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["run", "--config", configFile, "--data", data, "--log-level", logLevel]
        p.standardOutput = FileHandle.nullDevice
        if let stderr {
            _ = FileManager.default.createFile(atPath: stderr, contents: nil)
            p.standardError = FileHandle(forWritingAtPath: stderr)
        } else {
            p.standardError = FileHandle.nullDevice
        }
        try p.run()
        return p
    }

    /// Sends `signal` and returns how long the monitor took to exit, in seconds.
    func stop(_ p: Process, _ sig: Int32) -> Double {
        let t0 = Date()
        kill(p.processIdentifier, sig)
        let watchdog = DispatchWorkItem { kill(p.processIdentifier, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 10, execute: watchdog)
        p.waitUntilExit()
        watchdog.cancel()
        return Date().timeIntervalSince(t0)
    }

    func events(_ data: String) throws -> [Event] {
        let out = try CLI.run(["export"], data: data).out
        return try out.split(separator: "\n").map { line in try Array(line.utf8).withUnsafeBytes { try EventJSON.parse(line: $0) } }
    }

    /// What `ispmon status --json` says of the monitor.
    func monitorState(_ data: String) throws -> String? {
        let status = try JSONSerialization.jsonObject(with: try CLI.run(["status", "--json"], data: data).stdout) as? [String: Any]
        return status?["monitor"] as? String
    }

    @Test func runRecordsEveryTargetAndStopsCleanlyOnSIGTERM() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let ports = Ports()
        try config(ports).write(toFile: dir.file("ispmon.yaml"), atomically: true, encoding: .utf8)
        let p = try start(dir.file("ispmon.yaml"), data: dir.file("store"))
        usleep(1_500_000)
        #expect(try monitorState(dir.file("store")) == "running", "ispmon run holds the store")
        let seconds = stop(p, SIGTERM)
        #expect(p.terminationReason == .exit && p.terminationStatus == 0)
        #expect(seconds < 2, "took \(seconds) s to stop")
        let log = try events(dir.file("store"))
        guard case .monitor(let first)? = log.first?.body, case .monitor(let last)? = log.last?.body else {
            Issue.record("the log does not start and end with monitor events"); return
        }
        #expect(first.state == .started && last.state == .stopped)
        #expect(log.contains { if case .link(let l) = $0.body { l.interface == "lo" && l.up } else { false } })
        var byTarget: [String: [Probe]] = [:]
        for e in log { if case .probe(let probe) = e.body { byTarget[probe.target, default: []].append(probe) } }
        #expect(Set(byTarget.keys) == ["router", "dead", "one"])
        #expect(byTarget.values.allSatisfy { $0.count >= 4 })  // every 200 ms for 1.5 s
        #expect(byTarget["router"]!.allSatisfy { $0.ok })
        let deadOutcomes = byTarget["dead"]!.map(\.outcome)
        let allRefused = deadOutcomes.allSatisfy { $0 == Probe.Outcome.failed(error: "refused") }
        #expect(allRefused)
        // Event times follow log order closely, and the views were kept.
        let status = try JSONSerialization.jsonObject(with: try CLI.run(["status", "--json"], data: dir.file("store")).stdout) as! [String: Any]
        #expect(status["monitor"] as? String == "stopped")
        #expect(try CLI.run(["verify"], data: dir.file("store")).status == 0)
    }

    /// A crash (here a SIGSEGV sent from outside: the cause is not the store) names the
    /// signal and how to check the store, claims no damage, and the process dies of the
    /// signal, so that the kernel may dump core. (Without Swift's backtrace, which can take
    /// seconds: WebServeTests keeps it.)
    @Test func aCrashNamesTheSignalAndDiesOfIt() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let ports = Ports()
        try config(ports).write(toFile: dir.file("ispmon.yaml"), atomically: true, encoding: .utf8)
        let store = dir.file("store")
        let p = try start(dir.file("ispmon.yaml"), data: store, environment: ["SWIFT_BACKTRACE": "enable=no"], stderr: dir.file("stderr"))
        usleep(1_200_000)
        _ = stop(p, SIGSEGV)
        #expect(p.terminationReason == .uncaughtSignal && p.terminationStatus == SIGSEGV,
                "\(p.terminationReason == .exit ? "exit" : "signal") \(p.terminationStatus)")
        let stderr = (try? String(contentsOfFile: dir.file("stderr"), encoding: .utf8)) ?? ""
        #expect(stderr.contains("ispmon: crashed on signal SIGSEGV (invalid memory access) with the store at \(store) open"), "\(stderr)")
        #expect(stderr.contains("`ispmon verify --data \(store)` checks the store"), "\(stderr)")
        #expect(!stderr.contains("damaged"), "\(stderr)")
        #expect(try CLI.run(["verify"], data: store).status == 0, "what was committed before the crash is intact")
    }

    @Test func sighupAppliesAnEditedConfigAndRefusesABrokenOne() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let ports = Ports()
        let file = dir.file("ispmon.yaml")
        try config(ports).write(toFile: file, atomically: true, encoding: .utf8)
        let p = try start(file, data: dir.file("store"), logLevel: "notice", stderr: dir.file("stderr"))
        usleep(1_200_000)
        // `dead` removed, `two` added, the others as they were.
        try config(ports).replacingOccurrences(of: "name: dead, role: internet, method: tcp, host: 127.0.0.1, port: \(ports.closed)",
                                               with: "name: two, role: internet, method: tcp, host: 127.0.0.1, port: \(ports.open)")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let reloaded = Timestamp(microseconds: Int64(Date().timeIntervalSince1970 * 1e6))
        kill(p.processIdentifier, SIGHUP)
        usleep(1_200_000)
        try config(ports, extra: "colour: red").write(toFile: file, atomically: true, encoding: .utf8)
        let broken = Timestamp(microseconds: Int64(Date().timeIntervalSince1970 * 1e6))
        kill(p.processIdentifier, SIGHUP)
        usleep(1_200_000)
        #expect(p.isRunning, "SIGHUP must not end the monitor")
        #expect(stop(p, SIGTERM) < 2)
        #expect(p.terminationReason == .exit && p.terminationStatus == 0)

        let stderr = (try? String(contentsOfFile: dir.file("stderr"), encoding: .utf8)) ?? ""
        let refusals = stderr.split(separator: "\n").filter { $0.contains("config not reloaded") }
        #expect(refusals.count == 1, "\(stderr)")
        #expect(refusals.first?.contains("\(file):10: unknown key 'colour'") == true, "\(stderr)")
        #expect(stderr.contains("config reloaded: added two; removed dead"), "\(stderr)")

        let log = try events(dir.file("store"))
        let monitorEvents = log.compactMap { e -> MonitorState? in if case .monitor(let m) = e.body { m } else { nil } }
        // The reload that applied is recorded, with what it removed; the refused one is not.
        #expect(monitorEvents.map(\.state) == [.started, .reloaded, .stopped], "\(monitorEvents)")
        #expect(monitorEvents.dropFirst().first?.removed == ["dead"])
        func probes(_ target: String) -> [Int64] {
            log.compactMap { e in if case .probe(let pr) = e.body, pr.target == target { e.time.microseconds } else { nil } }
        }
        #expect(probes("dead").allSatisfy { $0 < reloaded.microseconds + 300_000 }, "no probe of a removed target after the reload")
        #expect(probes("dead").count >= 3)
        #expect(probes("two").count >= 8 && probes("two").allSatisfy { $0 > reloaded.microseconds })
        // The broken file changed nothing: both targets went on.
        for target in ["router", "one", "two"] {
            #expect(probes(target).filter { $0 > broken.microseconds + 200_000 }.count >= 3, "\(target)")
        }
        // The views: `dead` is unknown (not down) since the reload; the internet is up.
        let status = try JSONSerialization.jsonObject(with: try CLI.run(["status", "--json", "--as-of", "\(broken)"], data: dir.file("store")).stdout) as? [String: Any]
        let targets = (status?["targets"] as? [[String: Any]]) ?? []
        #expect(targets.first { $0["name"] as? String == "dead" }?["state"] as? String == "unknown", "\(targets)")
        #expect(status?["connectivity"] as? String == "up")
        #expect(try CLI.run(["verify"], data: dir.file("store")).status == 0)
    }

    @Test func theWebServerBesideTheMonitorChangesJobsAndStopsWithIt() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let ports = Ports()
        let port = UInt16.random(in: 20_000...32_000)
        try config(ports, webPort: port).write(toFile: dir.file("ispmon.yaml"), atomically: true, encoding: .utf8)
        let store = dir.file("store")
        let token = try CLI.run(["token", "create", "ci"], data: store).out.split(separator: "\n").last.map(String.init) ?? ""
        #expect(try CLI.run(["passwd"], stdin: Data("a long enough password\n".utf8), data: store).status == 0)
        let p = try start(dir.file("ispmon.yaml"), data: store)
        #expect(waitUntilListening(port: port))
        let http = HTTPClient(port: port)
        let auth = ("Authorization", "Bearer \(token)")
        let jobs = http.get("/api/v1/jobs", headers: [auth])
        #expect(jobs?.text == #"{"monitor":"running","jobs":[{"job":"probes","state":"run"},{"job":"speedtest","state":"run"},{"job":"trace","state":"run"}]}"# + "\n",
                "\(jobs?.text ?? "")")
        let paused = http.request("POST", "/api/v1/jobs/probes", headers: [auth, ("Content-Type", "application/json")],
                                  body: Array(#"{"state": "paused"}"#.utf8))
        #expect(paused?.status == 200, "\(paused?.text ?? "")")
        #expect(http.get("/api/v1/jobs", headers: [auth])?.text.contains(#"{"job":"probes","state":"paused"}"#) == true)
        #expect(http.request("POST", "/api/v1/jobs/coffee", headers: [auth], body: Array(#"{"state": "run"}"#.utf8))?.status == 404)
        #expect(http.request("POST", "/api/v1/jobs/probes", headers: [auth], body: Array(#"{"state": "asleep"}"#.utf8))?.status == 400)
        // The API answers while the monitor runs, from the same process; the stream tells what it does.
        #expect(http.get("/api/v1/status", headers: [auth])?.status == 200)
        let stream = WebStreamTests.StreamReader(port: port, path: "/api/v1/stream?types=activity", headers: [auth])
        let activity = stream?.nextData(event: "activity").flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(activity?["probes_in_flight"] is NSNumber && activity?["last_commit"] is String, "\(String(describing: activity))")
        #expect(activity?.keys.sorted() == ["last_commit", "probes_in_flight", "speedtest", "trace"])
        #expect(stop(p, SIGTERM) < 2, "the server closes within the monitor's 2 s")
        #expect(p.terminationStatus == 0)
        let log = try events(store)
        #expect(log.contains { if case .job(let j) = $0.body { j.job == "probes" && j.state == .paused } else { false } })
        #expect(!waitUntilListening(port: port, seconds: 0.5), "the server stopped with the monitor")
    }

    @Test func idleConnectionsToTheWebServerNeitherStopItNorDelayTheProbes() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let ports = Ports()
        let port = UInt16.random(in: 20_000...32_000)
        try config(ports, webPort: port).write(toFile: dir.file("ispmon.yaml"), atomically: true, encoding: .utf8)
        let p = try start(dir.file("ispmon.yaml"), data: dir.file("store"))
        #expect(waitUntilListening(port: port))
        let opened = Date()
        // 200 connections that never say anything, and 20 that send half a request and stall.
        var idle = (0..<200).compactMap { _ in loopbackConnection(port: port) }
        for _ in 0..<20 {
            if let fd = loopbackConnection(port: port) {
                _ = Array("GET /api/v1/status HTTP/1.1\r\nHost: x\r\nX-Slow: ".utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                idle.append(fd)
            }
        }
        #expect(idle.count == 220)
        usleep(3_000_000)
        // Still answering, at once.
        let health = HTTPClient(port: port).get("/healthz")
        #expect(health?.status == 200)
        for fd in idle { close(fd) }
        #expect(stop(p, SIGTERM) < 2)
        // The probes kept their 200 ms schedule meanwhile.
        let log = try events(dir.file("store"))
        let times = log.compactMap { e -> Int64? in
            if case .probe(let pr) = e.body, pr.target == "router" { e.time.microseconds } else { nil }
        }.filter { $0 >= Int64(opened.timeIntervalSince1970 * 1e6) }
        #expect(times.count >= 10)
        let worst = zip(times.dropFirst(), times).map { $0 - $1 }.max() ?? 0
        #expect(worst < 600_000, "a gap of \(worst) µs between probes of 200 ms")
    }

    @Test func aSecondMonitorOnTheSameStoreIsRefused() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let ports = Ports()
        try config(ports).write(toFile: dir.file("ispmon.yaml"), atomically: true, encoding: .utf8)
        let first = try start(dir.file("ispmon.yaml"), data: dir.file("store"))
        usleep(700_000)
        let second = try CLI.run(["run", "--config", dir.file("ispmon.yaml")], data: dir.file("store"))
        #expect(second.status != 0)
        #expect(second.stderr.contains("another ispmon monitor (pid \(first.processIdentifier)) is already running on"), "\(second.stderr)")
        let seconds = stop(first, SIGINT)
        #expect(first.terminationStatus == 0 && seconds < 2)
        // The refused one wrote nothing: one start, one stop.
        let monitorEvents = try events(dir.file("store")).filter { if case .monitor = $0.body { true } else { false } }
        #expect(monitorEvents.count == 2)
    }

    @Test func aBadConfigIsOneLineAndNothingStarts() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let ports = Ports()
        try config(ports, extra: "colour: red").write(toFile: dir.file("bad.yaml"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["run", "--config", dir.file("bad.yaml")], data: dir.file("store"))
        #expect(r.status == 1)
        #expect(r.stderr == "ispmon: \(dir.file("bad.yaml")):10: unknown key 'colour' in the file (allowed: data, defaults, down_after, heartbeat, interfaces, jobs, log_level, notify, plan, site, speedtest, targets, web)\n")
        #expect(!FileManager.default.fileExists(atPath: dir.file("store")), "a bad config must not create the store")
        let missing = try CLI.run(["run", "--config", dir.file("nope.yaml")], data: dir.file("store"))
        #expect(missing.status != 0 && missing.stderr.hasPrefix("ispmon: cannot read config \(dir.file("nope.yaml"))"), "\(missing.stderr)")
        let level = try CLI.run(["run", "--config", dir.file("bad.yaml"), "--log-level", "loud"], data: dir.file("store"))
        #expect(level.status != 0 && level.stderr.contains("--log-level 'loud' is not one of"))
    }

    /// tools/lab-httpd.py on a loopback port: downloads of any size, uploads to nowhere.
    final class SpeedServer {
        let process = Process()
        let port = UInt16.random(in: 20_000...32_000)
        init() throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", LabTests.root + "/tools/lab-httpd.py", String(port), "127.0.0.1"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            waitUntilListening(port: port)
        }
        deinit {
            kill(process.processIdentifier, SIGKILL)  // SIGTERM may be blocked in a child of a test thread
            process.waitUntilExit()
        }
    }

    func speedConfig(_ ports: Ports, _ server: SpeedServer, maxDuration: String) -> String {
        config(ports, extra: """
            speedtest:
              enabled: true
              download_url: http://127.0.0.1:\(server.port)/download?bytes=1000000000000
              upload_url: http://127.0.0.1:\(server.port)/upload
              interval: 1h
              max_duration: \(maxDuration)
            """)
    }

    @Test func speedTestsRunBesideTheProbesWithoutDelayingThem() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let ports = Ports()
        let server = try SpeedServer()
        try speedConfig(ports, server, maxDuration: "2s").write(toFile: dir.file("ispmon.yaml"), atomically: true, encoding: .utf8)
        let p = try start(dir.file("ispmon.yaml"), data: dir.file("store"), environment: ["ISPMON_SPEEDTEST_DELAY": "0.5"])
        usleep(4_000_000)
        #expect(stop(p, SIGTERM) < 2)
        let log = try events(dir.file("store"))
        let tests = log.compactMap { e -> (Int64, SpeedTest)? in if case .speedtest(let s) = e.body { (e.time.microseconds, s) } else { nil } }
        #expect(tests.count == 1)
        guard let (start, test) = tests.first, case let .ok(down, up) = test.outcome else {
            Issue.record("no successful speed test: \(tests)"); return
        }
        #expect(down > 1 && up > 1, "down \(down) Mbps, up \(up) Mbps")
        #expect(test.server == "http://127.0.0.1:\(server.port)/download?bytes=1000000000000")
        // While it ran (2 s from `start`), every target was still probed every ~200 ms.
        for target in ["router", "dead", "one"] {
            let times = log.compactMap { e -> Int64? in
                if case .probe(let probe) = e.body, probe.target == target { e.time.microseconds } else { nil }
            }.filter { $0 >= start - 500_000 && $0 <= start + 2_500_000 }
            #expect(times.count >= 10, "\(target): \(times.count) probes during the speed test")
            let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
            #expect((gaps.max() ?? 0) < 600_000, "\(target): a \(gaps.max() ?? 0) µs gap between probes during the speed test")
        }
    }

    @Test func stoppingDuringASpeedTestIsStillQuick() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let ports = Ports()
        let server = try SpeedServer()
        try speedConfig(ports, server, maxDuration: "30s").write(toFile: dir.file("ispmon.yaml"), atomically: true, encoding: .utf8)
        let p = try start(dir.file("ispmon.yaml"), data: dir.file("store"), environment: ["ISPMON_SPEEDTEST_DELAY": "0.2"])
        usleep(1_500_000)
        let seconds = stop(p, SIGTERM)
        #expect(p.terminationStatus == 0 && seconds < 2, "took \(seconds) s")
        let log = try events(dir.file("store"))
        #expect(!log.contains { if case .speedtest = $0.body { true } else { false } }, "an aborted speed test is not recorded")
        guard case .monitor(let last)? = log.last?.body else { Issue.record("no monitor event last"); return }
        #expect(last.state == .stopped)
    }

    @Test func jobsArePausedAndResumedWhileTheMonitorRuns() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let ports = Ports()
        try config(ports).write(toFile: dir.file("ispmon.yaml"), atomically: true, encoding: .utf8)
        let none = try CLI.run(["job", "probes", "pause"], data: dir.file("store"))
        #expect(none.status != 0 && none.stderr.contains("no monitor is running on"), "\(none.stderr)")
        let p = try start(dir.file("ispmon.yaml"), data: dir.file("store"))
        usleep(800_000)
        let pause = try CLI.run(["job", "probes", "pause"], data: dir.file("store"))
        #expect(pause.status == 0 && pause.out == "probes paused\n", "\(pause.stderr)")
        usleep(1_000_000)
        let resume = try CLI.run(["job", "probes", "run"], data: dir.file("store"))
        #expect(resume.status == 0, "\(resume.stderr)")
        usleep(800_000)
        let bad = try CLI.run(["job", "coffee", "run"], data: dir.file("store"))
        #expect(bad.status != 0 && bad.stderr.contains("no job 'coffee': choose probes, speedtest, trace"))
        #expect(stop(p, SIGTERM) < 2)
        let log = try events(dir.file("store"))
        let jobTimes = log.compactMap { e -> (JobState, Int64)? in if case .job(let j) = e.body { (j, e.time.microseconds) } else { nil } }
        #expect(jobTimes.map(\.0) == [JobState(job: "probes", state: .paused), JobState(job: "probes", state: .run)])
        guard jobTimes.count == 2 else { return }
        // No probe starts while paused (one already under way may finish just after).
        let during = log.filter { e in
            if case .probe = e.body { e.time.microseconds > jobTimes[0].1 + 250_000 && e.time.microseconds < jobTimes[1].1 } else { false }
        }
        #expect(during.isEmpty, "\(during.count) probes while paused")
        let after = log.filter { e in if case .probe = e.body { e.time.microseconds > jobTimes[1].1 } else { false } }
        #expect(after.count >= 6)
    }

    @Test func killDashNineLeavesAStoreThatVerifiesAndAMonitorThatRestarts() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let ports = Ports()
        try config(ports).write(toFile: dir.file("ispmon.yaml"), atomically: true, encoding: .utf8)
        for round in 0..<3 {
            let p = try start(dir.file("ispmon.yaml"), data: dir.file("store"))
            usleep(UInt32(600_000 + round * 350_000))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            // The log's last monitor event says started, but nothing runs.
            #expect(try monitorState(dir.file("store")) == "stopped", "round \(round)")
            // Log and views agree, and the lock and control socket died with the process.
            let v = try CLI.run(["verify"], data: dir.file("store"))
            #expect(v.status == 0, "round \(round): \(v.stderr)")
        }
        let p = try start(dir.file("ispmon.yaml"), data: dir.file("store"))
        usleep(700_000)
        #expect(try CLI.run(["job", "probes", "pause"], data: dir.file("store")).status == 0)
        #expect(stop(p, SIGTERM) < 2 && p.terminationStatus == 0)
        let monitorEvents = try events(dir.file("store")).compactMap { e -> MonitorState.State? in
            if case .monitor(let m) = e.body { m.state } else { nil }
        }
        // Four starts; only the last run stopped cleanly.
        #expect(monitorEvents == [.started, .started, .started, .started, .stopped])
        #expect(try CLI.run(["verify"], data: dir.file("store")).status == 0)
    }
}
