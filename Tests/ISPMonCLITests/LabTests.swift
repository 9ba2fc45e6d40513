import Foundation
import Testing
import TestSupport
import ISPMonCore

#if canImport(Glibc)
import Glibc
#endif

/// End to end in the lab network (tools/netlab: namespaces, veth, nftables, dnsmasq,
/// a web server; no packet leaves this machine): the real `ispmon run` watches the lab
/// while each fault is injected, and each fault must be exactly one outage with the
/// right cause, culprits and duration, while one dead host or random loss makes none.
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root (network namespaces); CI runs as root"))
struct LabTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @discardableResult
    static func netlab(_ prefix: String, _ args: [String], environment: [String: String] = [:], output: String? = nil) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [root + "/tools/netlab"] + args
        p.environment = ProcessInfo.processInfo.environment.merging(environment.merging(["NETLAB_PREFIX": prefix]) { $1 }) { $1 }
        if let output {
            _ = FileManager.default.createFile(atPath: output, contents: nil)
            p.standardOutput = FileHandle(forWritingAtPath: output)
        } else {
            p.standardOutput = FileHandle.nullDevice
        }
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// Starts `ispmon run` as the lab's host.
    static func monitor(_ prefix: String, config: String, data: String, environment: [String: String] = [:]) throws -> Process {
        let monitor = Process()
        monitor.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        monitor.arguments = ["netns", "exec", "\(prefix)-host", CLI.binary, "run", "--config", config, "--data", data, "--log-level", "warning"]
        monitor.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        monitor.standardOutput = FileHandle.nullDevice
        monitor.standardError = FileHandle.nullDevice
        try monitor.run()
        return monitor
    }

    /// Runs `body` with a lab of its own (a fresh namespace prefix) and a temporary
    /// directory, both removed afterwards; throws (a failure) when a tool the lab needs is missing.
    static func withLab(_ body: (_ prefix: String, _ dir: TempDir) throws -> Void) throws {
        if let missing = missingTool { throw MissingTool(missing) }
        let prefix = "t" + String((0..<4).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! })
        let dir = TempDir()
        defer {
            _ = try? netlab(prefix, ["down"])
            dir.cleanup()
        }
        #expect(try netlab(prefix, ["up"]) == 0, "tools/netlab up failed")
        try body(prefix, dir)
    }

    static var missingTool: String? {
        for tool in ["/usr/sbin/ip", "/usr/sbin/nft", "/usr/sbin/dnsmasq"] where !FileManager.default.isExecutableFile(atPath: tool) {
            return "needs \(tool) (tools/test installs iproute2, nftables, dnsmasq-base)"
        }
        return nil
    }

    @Test func eachFaultIsOneOutageWithItsCause() throws {
        try Self.withLab { prefix, dir in
            try Self.netlab(prefix, ["config", "400ms"], output: dir.file("lab.yaml"))
            let monitor = try Self.monitor(prefix, config: dir.file("lab.yaml"), data: dir.file("store"))
            defer { if monitor.isRunning { kill(monitor.processIdentifier, SIGKILL) } }
            usleep(3_000_000)
            var windows: [(String, Date, Date)] = []
            for fault in [["router-hang"], ["isp-down"], ["resolver-down"], ["cable-pulled"], ["host-down"], ["loss", "10"]] {
                let start = Date()
                #expect(try Self.netlab(prefix, ["fault"] + fault) == 0, "fault \(fault[0])")
                usleep(4_000_000)
                #expect(try Self.netlab(prefix, ["restore", fault[0]]) == 0, "restore \(fault[0])")
                windows.append((fault[0], start, Date()))
                usleep(3_000_000)
            }
            kill(monitor.processIdentifier, SIGTERM)
            monitor.waitUntilExit()
            #expect(monitor.terminationStatus == 0)

            let r = try CLI.run(["outages", "--json"], data: dir.file("store"))
            let outages = try JSONSerialization.jsonObject(with: r.stdout) as? [[String: Any]] ?? []
            let expected: [(String, String, String, [String])] = [
                ("router-hang", "connectivity", "gateway", ["router"]),
                ("isp-down", "connectivity", "isp", ["isp-edge"]),
                ("resolver-down", "dns", "dns", ["resolver"]),
                ("cable-pulled", "connectivity", "local", ["eth0"]),
            ]
            #expect(outages.count == expected.count, "\(r.out)")
            let iso = ISO8601DateFormatter()
            iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            for (fault, kind, cause, culprits) in expected {
                guard let w = windows.first(where: { $0.0 == fault }) else { continue }
                let matching = outages.filter { o in
                    guard let s = (o["start"] as? String).flatMap(iso.date(from:)) else { return false }
                    return s >= w.1.addingTimeInterval(-1) && s <= w.2
                }
                #expect(matching.count == 1, "\(fault): \(matching)")
                guard let o = matching.first else { continue }
                #expect(o["kind"] as? String == kind, "\(fault)")
                #expect(o["cause"] as? String == cause, "\(fault)")
                #expect(o["culprits"] as? [String] == culprits, "\(fault)")
                let seconds = o["duration_s"] as? Double ?? 0
                #expect(seconds > 3 && seconds < 6, "\(fault) lasted \(seconds) s for a 4 s fault")
            }
            let log = try CLI.run(["events", "--json", "--type", "monitor"], data: dir.file("store")).out
            #expect(log.split(separator: "\n").last?.contains("\"state\":\"stopped\"") == true)
            // Path discovery found the ISP's edge (isp-edge is `host: auto` in the lab's config).
            let traces = try CLI.run(["events", "--json", "--type", "trace"], data: dir.file("store")).out
            #expect(traces.contains("\"destination\":\"203.0.113.10\"") && traces.contains("\"address\":\"198.51.100.1\""), "\(traces)")

            // `ispmon init` in the lab's host finds its interface, gateway, resolver and ISP hop.
            let initFile = dir.file("init.yaml")
            let initProcess = Process()
            initProcess.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
            initProcess.arguments = ["netns", "exec", "\(prefix)-host", CLI.binary, "init", "--config", initFile, "--trace-to", "203.0.113.10"]
            initProcess.standardOutput = FileHandle.nullDevice
            try initProcess.run()
            initProcess.waitUntilExit()
            let written = try String(contentsOfFile: initFile, encoding: .utf8)
            #expect(written.contains("interfaces: [eth0]"))
            for (name, host) in [("router", "192.0.2.1"), ("isp-edge", "198.51.100.1"), ("resolver", "203.0.113.53")] {
                #expect(written.contains("- name: \(name)\n") && written.contains("host: \"\(host)\""), "\(name) \(host) not in:\n\(written)")
            }
        }
    }

    /// Issue 9: every internet target named by host name, and the resolver dead for 40 s. The
    /// names were resolved before (and are kept), so the targets stay up and the fault is one DNS
    /// outage, not a connectivity outage blamed on the ISP; a name that never resolved is never
    /// probed (its target stays unknown). The monitor reads a resolv.conf and a hosts file of the
    /// test's own, naming only the lab's resolver: nothing may reach a real one.
    @Test func aDeadResolverIsADNSOutageAndNamedTargetsStayUp() throws {
        try Self.withLab { prefix, dir in
            try """
                interfaces: [eth0]
                defaults:
                  interval: 500ms
                  timeout: 500ms
                targets:
                  - {name: router, role: gateway, method: icmp, host: 192.0.2.1}
                  - {name: isp-edge, role: isp, method: icmp, host: 198.51.100.1}
                  - {name: one, role: internet, method: icmp, host: example.com}
                  - {name: edge-tcp, role: internet, method: tcp, host: www.example.com, port: 80}
                  - {name: web, role: internet, method: http, url: "http://example.com/"}
                  - {name: never, role: internet, method: icmp, host: nx.example}
                  - {name: resolver, role: dns, method: dns, host: 203.0.113.53}
                """.write(toFile: dir.file("lab.yaml"), atomically: true, encoding: .utf8)
            try "nameserver 203.0.113.53\n".write(toFile: dir.file("resolv.conf"), atomically: true, encoding: .utf8)
            try "".write(toFile: dir.file("hosts"), atomically: true, encoding: .utf8)
            let monitor = try Self.monitor(prefix, config: dir.file("lab.yaml"), data: dir.file("store"),
                                           environment: ["ISPMON_RESOLV_CONF": dir.file("resolv.conf"), "ISPMON_HOSTS": dir.file("hosts")])
            defer { if monitor.isRunning { kill(monitor.processIdentifier, SIGKILL) } }
            usleep(4_000_000)
            let faultStart = Date()
            #expect(try Self.netlab(prefix, ["fault", "resolver-down"]) == 0)
            usleep(36_000_000)
            let during = try JSONSerialization.jsonObject(with: CLI.run(["status", "--json"], data: dir.file("store")).stdout) as? [String: Any] ?? [:]
            usleep(4_000_000)
            #expect(try Self.netlab(prefix, ["restore", "resolver-down"]) == 0)
            let faultEnd = Date()
            usleep(4_000_000)
            kill(monitor.processIdentifier, SIGTERM)
            monitor.waitUntilExit()
            #expect(monitor.terminationStatus == 0)

            // During the fault: the internet up through the names, DNS down, `never` unknown (absent).
            #expect(during["connectivity"] as? String == "up", "\(during)")
            #expect(during["dns"] as? String == "down", "\(during)")
            let states = Dictionary(uniqueKeysWithValues: (during["targets"] as? [[String: Any]] ?? []).compactMap { t in
                (t["name"] as? String).map { ($0, t["state"] as? String ?? "?") }
            })
            for name in ["one", "edge-tcp", "web"] { #expect(states[name] == "up", "\(name): \(states)") }
            #expect(states["resolver"] == "down", "\(states)")
            #expect(states["never"] == nil, "a name that never resolved is not probed: \(states)")

            // One DNS outage of about 40 s, and no connectivity outage.
            let r = try CLI.run(["outages", "--json"], data: dir.file("store"))
            let outages = try JSONSerialization.jsonObject(with: r.stdout) as? [[String: Any]] ?? []
            #expect(outages.count == 1, "\(r.out)")
            if let o = outages.first {
                #expect(o["kind"] as? String == "dns" && o["cause"] as? String == "dns", "\(o)")
                #expect(o["culprits"] as? [String] == ["resolver"], "\(o)")
                let seconds = o["duration_s"] as? Double ?? 0
                let fault = faultEnd.timeIntervalSince(faultStart)
                #expect(abs(seconds - fault) < 2.5, "the DNS outage lasted \(seconds) s for a \(fault) s fault")
            }

            // Not one failed probe of a name-based target; each names the address it probed.
            let lines = try CLI.run(["export", "--type", "probe"], data: dir.file("store")).out.split(separator: "\n")
            let probes = try lines.compactMap { line -> Probe? in
                let e = try Array(line.utf8).withUnsafeBytes { try EventJSON.parse(line: $0) }
                if case .probe(let p) = e.body { return p } else { return nil }
            }
            for name in ["one", "edge-tcp", "web"] {
                let mine = probes.filter { $0.target == name }
                let failed = mine.filter { if case .failed = $0.outcome { true } else { false } }
                #expect(mine.count > 60 && failed.isEmpty, "\(name): \(mine.count) probes, failed: \(failed.prefix(3))")
                #expect(mine.allSatisfy { $0.detail?.contains("203.0.113.10") == true }, "\(name): \(mine.first?.detail ?? "no detail")")
            }
            #expect(!probes.contains { $0.target == "never" })
        }
    }

    @Test func speedTestsInTheLabDoNotDelayProbes() throws {
        try Self.withLab { prefix, dir in
            try Self.netlab(prefix, ["config", "250ms"], environment: ["SPEEDTEST": "true", "SPEEDTEST_MAX_DURATION": "4s"],
                            output: dir.file("lab.yaml"))
            let monitor = try Self.monitor(prefix, config: dir.file("lab.yaml"), data: dir.file("store"),
                                           environment: ["ISPMON_SPEEDTEST_DELAY": "1"])
            defer { if monitor.isRunning { kill(monitor.processIdentifier, SIGKILL) } }
            usleep(7_000_000)
            kill(monitor.processIdentifier, SIGTERM)
            monitor.waitUntilExit()
            #expect(monitor.terminationStatus == 0)
            let lines = try CLI.run(["export"], data: dir.file("store")).out.split(separator: "\n")
            let log = try lines.map { line in try Array(line.utf8).withUnsafeBytes { try EventJSON.parse(line: $0) } }
            let tests = log.compactMap { e -> (Int64, SpeedTest)? in if case .speedtest(let s) = e.body { (e.time.microseconds, s) } else { nil } }
            #expect(tests.count == 1)
            guard let (start, test) = tests.first, case let .ok(down, up) = test.outcome else {
                Issue.record("no successful speed test in the lab: \(tests)"); return
            }
            #expect(down > 1 && up > 1, "down \(down), up \(up) Mbps")
            // During the 4 s test, each target kept its 250 ms schedule.
            for target in ["router", "isp-edge", "one", "resolver"] {
                let times = log.compactMap { e -> Int64? in
                    if case .probe(let p) = e.body, p.target == target { e.time.microseconds } else { nil }
                }.filter { $0 >= start && $0 <= start + 4_000_000 }
                let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
                #expect(times.count >= 12 && (gaps.max() ?? .max) < 750_000,
                        "\(target): \(times.count) probes, largest gap \(gaps.max() ?? -1) µs during the speed test")
            }
        }
    }
}
