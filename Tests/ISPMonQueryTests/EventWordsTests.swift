import Testing
import ISPMonCore
@testable import ISPMonQuery

/// Events in words: one vocabulary for the CLI's table and the pages.
@Suite struct EventWordsTests {
    static func at(_ body: Event.Body) -> Event { Event(time: Timestamp(microseconds: Fixtures.t0), body: body) }

    @Test func eachTypeSaysWhatItIsAboutWhatItSaysAndWhatDiffers() {
        let cases: [(Event.Body, String, String, String?, Bool)] = [
            (.probe(Probe(target: "router", role: .gateway, method: .icmp, outcome: .ok(rtt: 12_345))), "router (icmp)", "ok", "12.345 ms, gateway", false),
            (.probe(Probe(target: "web", role: .internet, method: .http, outcome: .failed(error: "http-status"), detail: "503 Service Unavailable")),
             "web (http)", "http-status", "internet, 503 Service Unavailable", true),
            (.speedtest(SpeedTest(server: "http://203.0.113.20/down", outcome: .ok(downMbps: 95.34, upMbps: 17.9), rtt: 11_200)),
             "speed test", "95.3 / 17.9 Mb/s", "http://203.0.113.20/down, idle 11.2 ms", false),
            (.speedtest(SpeedTest(server: "http://203.0.113.20/down", outcome: .failed(error: "timeout"))), "speed test", "failed: timeout",
             "http://203.0.113.20/down", true),
            (.link(Link(interface: "eth0", up: false)), "link eth0", "down", nil, true),
            (.trace(Trace(destination: "203.0.113.10", hops: [.init(ttl: 1, address: "192.0.2.1", rtt: 400), .init(ttl: 2, address: nil, rtt: nil)])),
             "path discovery to 203.0.113.10", "2 hops", "1:192.0.2.1 2:*", false),
            (.monitor(MonitorState(state: .started, version: "0.3.0", clock: .synchronized)), "monitor", "started", "ispmon 0.3.0, clock synchronized", false),
            (.job(JobState(job: "probes", state: .paused)), "job probes", "paused", nil, false),
            (.note(Note(outage: "c-20260301T000000Z", text: "router rebooted")), "note", "router rebooted", "on c-20260301T000000Z", false),
            (.clock(ClockStep(step: -7_200_500_000, synchronized: true)), "clock", "stepped back 2h 0m", "-7200.500000 s, synchronized", false),
        ]
        for (body, subject, outcome, details, bad) in cases {
            let words = EventWords(Self.at(body))
            #expect(words.subject == subject && words.outcome == outcome && words.details == details && words.bad == bad, "\(words)")
        }
        #expect(EventWords(Self.at(.link(Link(interface: "eth0", up: true)))).line == "up")
        #expect(EventWords(Self.at(cases[0].0)).line == "ok  (12.345 ms, gateway)")
    }
}
