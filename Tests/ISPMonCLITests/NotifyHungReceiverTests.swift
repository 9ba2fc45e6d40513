import Foundation
import Testing
import TestSupport
import ISPMonCore

#if canImport(Glibc)
import Glibc
#endif

/// A hung receiver delays no probe (docs/notify.md, "One queue per channel"): the real `ispmon run`
/// probes loopback targets every second while its only channel posts to a receiver that reads the
/// request and never answers (the HTTP catcher's `/hang`). An outage (the internet targets' listener
/// closed) makes a notice due; it hangs for the channel's 10 s timeout, and is tried again. The log
/// must show every target's results on schedule all the while.
@Suite(.serialized, .enabled(if: pythonOnPath, "python3 is not installed (the HTTP catcher is a python script)"))
struct NotifyHungReceiverTests {
    /// The targets' interval, s.
    static let interval = 1.0
    /// The largest gap allowed between two results of one target: the interval and a generous
    /// margin for a loaded machine (a behaviour bound, not a measurement).
    static let maxGap = interval + 1.5

    static func config(router: UInt16, internet: UInt16, hook: String) -> String {
        """
        interfaces: [lo]
        web: {listen: "127.0.0.1:0"}
        defaults:
          interval: 1s
          timeout: 500ms
        targets:
          - {name: router, role: gateway, method: tcp, host: 127.0.0.1, port: \(router)}
          - {name: one, role: internet, method: tcp, host: 127.0.0.1, port: \(internet)}
          - {name: two, role: internet, method: tcp, host: 127.0.0.1, port: \(internet)}
        notify:
          - name: stuck
            kind: webhook
            url: \(hook)
        """
    }

    @Test func aReceiverThatNeverAnswersDelaysNoProbe() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try HTTPCatcher(dir)
        defer { catcher.stop() }
        let ports = MonitorRunTests.Ports()
        let internet = NotifyRunTests.Internet()
        let run = MonitorRunTests()
        let store = dir.file("store")
        try Self.config(router: ports.open, internet: internet.port, hook: "\(catcher.url)/hang")
            .write(toFile: dir.file("ispmon.yaml"), atomically: true, encoding: .utf8)
        let p = try run.start(dir.file("ispmon.yaml"), data: store, logLevel: "info", stderr: dir.file("run.log"))
        defer { if p.isRunning { _ = run.stop(p, SIGKILL) } }
        NotifyRunTests.wait("the monitor's first results") { (try? run.events(store).count) ?? 0 > 10 }
        let cut = Int64(Date().timeIntervalSince1970 * 1e6)
        internet.cut()

        // The outage notice reaches the receiver, which never answers: the attempt ends at the 10 s timeout.
        NotifyRunTests.wait("the receiver's first request") { catcher.requests.contains { $0.path == "/hang" } }
        NotifyRunTests.wait("an attempt that timed out", seconds: 40) {
            ((try? NotifyRunTests.attempts(store)) ?? []).contains { $0.hasPrefix("stuck ") && $0.hasSuffix(" timeout") }
        }
        // And the retry hangs too, for a few seconds more of probing.
        NotifyRunTests.wait("the retry's request", seconds: 20) { catcher.requests.filter { $0.path == "/hang" }.count >= 2 }
        usleep(3_000_000)
        let end = Int64(Date().timeIntervalSince1970 * 1e6)
        _ = run.stop(p, SIGTERM)

        let log = try run.events(store)
        let timedOut = log.compactMap { e -> Int64? in
            if case .notify(let n) = e.body, n.channel == "stuck", n.error == "timeout" { e.time.microseconds } else { nil }
        }
        let attempts = try NotifyRunTests.attempts(store)
        #expect(!timedOut.isEmpty, "the channel's timeout was hit: \(attempts)")
        #expect(attempts.allSatisfy { $0.hasPrefix("stuck c-") && $0.contains("/outage ") }, "only the outage notice: \(attempts)")
        // From the cut to the end, while the notifier was stuck: every target on schedule.
        for target in ["router", "one", "two"] {
            let times = log.compactMap { e -> Int64? in
                if case .probe(let probe) = e.body, probe.target == target { e.time.microseconds } else { nil }
            }.filter { $0 >= cut && $0 <= end }
            let span = Double(end - cut) / 1e6
            #expect(Double(times.count) >= span / Self.interval - 3, "\(target): \(times.count) results in \(span) s")
            let gaps = zip(times, times.dropFirst()).map { Double($1 - $0) / 1e6 }
            let widest = gaps.max() ?? .infinity
            #expect(widest <= Self.maxGap, "\(target): a gap of \(widest) s between two results (bound \(Self.maxGap) s)")
        }
        // The failing targets really failed: the notice was for a real outage.
        #expect(log.contains { if case .probe(let probe) = $0.body { probe.target == "one" && !probe.ok && $0.time.microseconds > cut } else { false } })
    }
}
