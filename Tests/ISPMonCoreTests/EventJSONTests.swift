import Testing
@testable import ISPMonCore

func parse(_ line: String) throws(EventJSON.InvalidLine) -> Event {
    let bytes = Array(line.utf8)
    let result: Result<Event, EventJSON.InvalidLine> = bytes.withUnsafeBytes { b in
        do throws(EventJSON.InvalidLine) { return .success(try EventJSON.parse(line: b)) } catch { return .failure(error) }
    }
    return try result.get()
}

func reason(_ line: String) -> String? {
    do { _ = try parse(line); return nil } catch { return error.reason }
}

func exported(_ e: Event, seq: UInt64? = 1) -> String {
    var out: [UInt8] = []
    EventJSON.append(e, seq: seq, to: &out)
    return String(decoding: out, as: UTF8.self)
}

@Suite struct EventJSONTests {
    @Test func parsesTheSpecExamples() throws {
        let probe = try parse(#"{"time":"2026-03-01T12:00:00.020Z","type":"probe","target":"router","role":"gateway","method":"icmp","ok":true,"rtt_ms":0.412}"#)
        #expect(probe == Event(time: Timestamp(microseconds: 1_772_366_400_020_000), body: .probe(Probe(
            target: "router", role: .gateway, method: .icmp, outcome: .ok(rtt: 412)))))
        let fail = try parse(#"{"time":"2026-03-01T12:00:00.030Z","type":"probe","target":"one-one","role":"internet","method":"icmp","ok":false,"error":"timeout"}"#)
        guard case .probe(let p) = fail.body else { Issue.record("not a probe"); return }
        #expect(p.outcome == .failed(error: "timeout"))
        let speed = try parse(#"{"time":"2026-03-01T12:10:00Z","type":"speedtest","server":"https://speed.example.net","ok":true,"down_mbps":94.2,"up_mbps":18.1,"rtt_ms":9.8}"#)
        #expect(speed.body == .speedtest(SpeedTest(server: "https://speed.example.net", outcome: .ok(downMbps: 94.2, upMbps: 18.1), rtt: 9800)))
        let note = try parse(#"{"time":"2026-03-01T12:20:00Z","type":"note","outage":"c-20260301T120005Z","text":"ISP confirmed a fault at the cabinet"}"#)
        #expect(note.body == .note(Note(outage: "c-20260301T120005Z", text: "ISP confirmed a fault at the cabinet")))
    }

    @Test func timesWithOffsetsBecomeUTCMicroseconds() throws {
        let a = try parse(#"{"time":"2026-03-01T13:00:00.250+01:00","type":"link","interface":"eth0","up":true}"#)
        let b = try parse(#"{"time":"2026-03-01T12:00:00.25Z","type":"link","interface":"eth0","up":true}"#)
        #expect(a.time == b.time)
        #expect(a.time.description == "2026-03-01T12:00:00.250000Z")
        // Finer than a microsecond: rounded to the nearest one.
        let c = try parse(#"{"time":"2026-03-01T12:00:00.0000015Z","type":"link","interface":"eth0","up":true}"#)
        #expect(c.time.description == "2026-03-01T12:00:00.000002Z")
        let d = try parse(#"{"time":"1999-12-31T23:59:59.9999996-00:30","type":"link","interface":"eth0","up":true}"#)
        #expect(d.time.description == "2000-01-01T00:30:00.000000Z")
    }

    @Test func exportIsExactAndReimportsLosslessly() throws {
        let events: [Event] = [
            Event(time: Timestamp(microseconds: 1_772_366_400_000_001), body: .probe(Probe(
                target: "r", role: .isp, method: .tcp, outcome: .ok(rtt: 599_999_999), detail: "tab\there \"quoted\" \\ é ✓"))),
            Event(time: Timestamp(microseconds: -1), body: .probe(Probe(target: "x", role: .dns, method: .dns, outcome: .ok(rtt: 0)))),
            Event(time: Timestamp(microseconds: 5), body: .speedtest(SpeedTest(server: "s", outcome: .ok(downMbps: 0.1 + 0.2, upMbps: 1e-7)))),
            Event(time: Timestamp(microseconds: 6), body: .speedtest(SpeedTest(server: "s", outcome: .failed(error: "tls"), rtt: 1))),
            Event(time: Timestamp(microseconds: 7), body: .trace(Trace(destination: "203.0.113.9", hops: [
                .init(ttl: 1, address: "192.0.2.1", rtt: 1234), .init(ttl: 3, address: nil, rtt: nil)]))),
            Event(time: Timestamp(microseconds: 8), body: .monitor(MonitorState(state: .stopped))),
            Event(time: Timestamp(microseconds: 9), body: .job(JobState(job: "trace", state: .disabled))),
            Event(time: Timestamp(microseconds: 10), body: .note(Note(outage: "d-20260301T120005.250000Z", text: "a tab\tis kept"))),
        ]
        for e in events {
            let line = exported(e)
            #expect(line.hasSuffix("}\n"))
            let back = try parse(String(line.dropLast()))
            #expect(back == e, "\(line)")
        }
        #expect(exported(events[0]).contains(#""rtt_ms":599999.999"#))
        #expect(exported(events[1]).contains(#""time":"1969-12-31T23:59:59.999999Z""#))
    }

    @Test(arguments: [
        (#"{"time":"2026-03-01T12:00:00Z","type":"probe","target":"r","role":"gateway","method":"icmp","ok":true,"rtt_ms":1,"colour":"red"}"#, #"unknown field "colour""#),
        (#"{"time":"2026-03-01T12:00:00","type":"link","interface":"eth0","up":true}"#, "time zone"),
        (#"{"time":"2026-02-30T12:00:00Z","type":"link","interface":"eth0","up":true}"#, "no such date"),
        (#"{"time":"2026-03-01T24:00:00Z","type":"link","interface":"eth0","up":true}"#, "out of range"),
        (#"{"time":"yesterday","type":"link","interface":"eth0","up":true}"#, "RFC 3339"),
        (#"{"time":1772366400,"type":"link","interface":"eth0","up":true}"#, "must be a string"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"probe","target":"bad name!","role":"gateway","method":"icmp","ok":true,"rtt_ms":1}"#, "not a valid name"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"probe","target":"r","role":"modem","method":"icmp","ok":true,"rtt_ms":1}"#, #"role"#),
        (#"{"time":"2026-03-01T12:00:00Z","type":"probe","target":"r","role":"gateway","method":"udp","ok":true,"rtt_ms":1}"#, "method"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"probe","target":"r","role":"gateway","method":"icmp","ok":true,"rtt_ms":600000}"#, "out of range"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"probe","target":"r","role":"gateway","method":"icmp","ok":true,"rtt_ms":-1}"#, "out of range"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"probe","target":"r","role":"gateway","method":"icmp","ok":true}"#, #"rtt_ms" is required"#),
        (#"{"time":"2026-03-01T12:00:00Z","type":"probe","target":"r","role":"gateway","method":"icmp","ok":false}"#, #""error" is required"#),
        (#"{"time":"2026-03-01T12:00:00Z","type":"probe","target":"r","role":"gateway","method":"icmp","ok":false,"error":"Time Out"}"#, "short code"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"probe","role":"gateway","method":"icmp","ok":true,"rtt_ms":1}"#, #"missing required field "target""#),
        (#"{"time":"2026-03-01T12:00:00Z","type":"probe","target":"r","role":"gateway","method":"icmp","ok":"yes","rtt_ms":1}"#, "true or false"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"ping"}"#, "unknown type"),
        (#"{"type":"monitor","state":"started"}"#, #"missing required field "time""#),
        (#"{"time":"2026-03-01T12:00:00Z","type":"monitor","state":"started","state":"stopped"}"#, "duplicate field"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"monitor","state":"started""#, "unexpected end"),
        (#"[1,2]"#, "expected a JSON object"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"speedtest","server":"s","ok":true,"down_mbps":-3,"up_mbps":1}"#, "out of range"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"note","outage":"x-1","text":"t"}"#, "not an outage id"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"note","outage":"c-20260301T120005Z","text":"two\nlines"}"#, #"field "text" has control characters"#),
        (#"{"time":"2026-03-01T12:00:00Z","type":"monitor","state":"started","version":"0.3\u0007"}"#, #"field "version" has control characters"#),
        (#"{"time":"2026-03-01T12:00:00","type":"link","interface":"eth0","up":true}"#, #"field "time": "2026-03-01T12:00:00": time has no time zone"#),
        (#"{"time":"2026-03-01T12:00:00Z","type":"trace","destination":"d","hops":[{"ttl":2,"address":null,"rtt_ms":null},{"ttl":1,"address":null,"rtt_ms":null}]}"#, "increasing TTL"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"link","interface":"eth0","up":true,}"#, "field name"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"link","interface":"eth0","up":True}"#, "unexpected character"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"job","job":"probes","state":"running"}"#, "run, paused or disabled"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"probe","target":"r","role":"gateway","method":"icmp","ok":true,"rtt_ms":01}"#, "leading zero"),
    ] as [(String, String)])
    func rejectsBadLines(line: String, expected: String) {
        let r = reason(line)
        #expect(r != nil, "accepted: \(line)")
        #expect(r?.contains(expected) == true, "reason \(r ?? "nil") lacks \(expected)")
    }

    @Test func rejectsInvalidUTF8AndLongDetails() {
        var bytes = Array(#"{"time":"2026-03-01T12:00:00Z","type":"link","interface":"eth"#.utf8)
        bytes += [0xC3, 0x28]  // an invalid two-byte sequence
        bytes += Array(#"","up":true}"#.utf8)
        let r: String? = bytes.withUnsafeBytes { b -> String? in
            do throws(EventJSON.InvalidLine) { _ = try EventJSON.parse(line: b); return nil } catch { return error.reason }
        }
        #expect(r?.contains("UTF-8") == true)
        let long = String(repeating: "x", count: 513)
        #expect(reason(#"{"time":"2026-03-01T12:00:00Z","type":"probe","target":"r","role":"gateway","method":"icmp","ok":true,"rtt_ms":1,"detail":"\#(long)"}"#)?.contains("longer than 512") == true)
        #expect(reason(#"{"time":"2026-03-01T12:00:00Z","type":"note","outage":"c-20260301T120005Z","text":"\ud800"}"#)?.contains("surrogate") == true)
    }

    @Test func spansAndTimes() {
        let now = Timestamp(microseconds: 1_000_000_000_000)
        #expect(TimeArgument.parse("90m", now: now)?.microseconds == now.microseconds - 5_400_000_000)
        #expect(TimeArgument.parse("7d", now: now)?.microseconds == now.microseconds - 604_800_000_000)
        #expect(TimeArgument.parse("2026-03-01T00:00:00Z", now: now)?.description == "2026-03-01T00:00:00.000000Z")
        #expect(TimeArgument.parse("7x", now: now) == nil)
        #expect(TimeArgument.parse("-1h", now: now) == nil)
    }
}
