import Testing
@testable import ISPMonControl
import ISPMonCore
import Synchronization
import TestSupport

/// Both ends of the control socket, over a real UNIX socket: what `ispmon job`, the API and the
/// settings page send, and what the monitor's side hands on.
@Suite struct ControlChannelTests {
    @Test func aRequestAndItsAnswerCrossTheSocket() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let seen = Mutex<[ControlRequest]>([])
        let server = try ControlServer(directory: dir.path) { request in
            seen.withLock { $0.append(request) }
            guard let state = request.state else { return .state(request.job, .paused) }
            return state == .disabled ? .refused("cannot disable \(request.job.rawValue) now") : .unchanged(request.job, state)
        }
        defer { server.stop() }
        let client = MonitorControlClient(directory: dir.path)
        #expect(try client.state(of: .trace) == .paused)
        #expect(try client.set(.speedtest, to: .run) == .unchanged(.speedtest, .run))
        #expect(try client.set(.probes, to: .disabled) == .refused("cannot disable probes now"))
        #expect(seen.withLock { $0 } == [ControlRequest(job: .trace, state: nil), ControlRequest(job: .speedtest, state: .run),
                                         ControlRequest(job: .probes, state: .disabled)])
    }

    @Test func withoutAMonitorTheClientSaysSo() {
        let dir = TempDir()
        defer { dir.cleanup() }
        #expect { try MonitorControlClient(directory: dir.path).state(of: .probes) } throws: { error in
            "\(error)" == "no monitor is running on \(dir.path)"
        }
    }

    @Test(arguments: [ControlAnswer.state(.probes, .paused), .unchanged(.trace, .run), .refused("the disk is full")])
    func answersReadBackAsWritten(answer: ControlAnswer) {
        #expect(ControlAnswer.parse(answer.text) == answer)
    }

    @Test func otherTextIsNoAnswer() {
        for text in ["", "ok", "ok: probes", "ok: probes is paused", "ok: nothing run", "yes: probes run"] {
            #expect(ControlAnswer.parse(text) == nil, "\(text)")
        }
    }
}

/// A check's numbers, one computation for the API and the tools page.
@Suite struct CheckSummaryTests {
    @Test func lossAndRoundTripsOfTheTriesThatAnswered() throws {
        var report = CheckReport(check: try Check(tool: .ping, host: "192.0.2.1", count: 4))
        #expect(report.summary == .init(sent: 0, lost: 0, lossPercent: nil, minMs: nil, avgMs: nil, maxMs: nil))
        report.tries = [.ok(rtt: 1_500, detail: nil), .failed(error: "timeout", detail: nil), .ok(rtt: 4_500, detail: nil),
                        .failed(error: "unreachable", detail: "192.0.2.254")]
        #expect(report.summary == .init(sent: 4, lost: 2, lossPercent: 50, minMs: 1.5, avgMs: 3, maxMs: 4.5))
        report.tries = [.failed(error: "timeout", detail: nil)]
        #expect(report.summary == .init(sent: 1, lost: 1, lossPercent: 100, minMs: nil, avgMs: nil, maxMs: nil))
    }
}
