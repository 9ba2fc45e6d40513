import ISPMonCore

/// Seed chunks made by the real encoder: the shapes the store writes (sealed chunks and
/// per-commit segments), small enough to keep in the repository (Fuzz/Corpus/FuzzChunk*).
public enum ChunkSeeds {
    public static func all() -> [(name: String, bytes: [UInt8])] {
        let sealed = ChunkEncoder(level: 3)
        let segment = ChunkEncoder(level: 1, predictOrder: false)
        let raw = ChunkEncoder(level: -1000)  // every section stored raw
        let stream = Array(SyntheticStream(seed: 11).prefix(240))
        return [
            ("sealed-stream", sealed.encode(stream, firstSeq: 1)),
            ("segment-stream", segment.encode(Array(stream.prefix(60)), firstSeq: 65_537)),
            ("raw-mixed", raw.encode(mixed(), firstSeq: 7)),
            ("sealed-mixed", sealed.encode(mixed(), firstSeq: 1000)),
            ("one-probe", sealed.encode([probe(1_000_000, "router", 412)], firstSeq: 1)),
            ("one-failure", raw.encode([probe(5, "a", nil, detail: "no answer")], firstSeq: 1)),
            ("others-only", raw.encode(Array(mixed().filter { if case .probe = $0.body { false } else { true } }), firstSeq: 3)),
            ("many-streams", raw.encode((0..<90).map { probe(Int64($0 % 7) * 1000, "t\($0)", Int64($0)) }, firstSeq: 1)),
        ]
    }

    static func probe(_ t: Int64, _ target: String, _ rtt: Int64?, detail: String? = nil) -> Event {
        Event(time: Timestamp(microseconds: t), body: .probe(Probe(
            target: target, role: .internet, method: .icmp,
            outcome: rtt.map { .ok(rtt: $0) } ?? .failed(error: "timeout"), detail: detail)))
    }

    /// Probes, failures with details and every other kind of event.
    static func mixed() -> [Event] {
        let t0: Int64 = 1_772_366_400_000_000  // 2026-03-01T12:00:00Z
        var events: [Event] = [Event(time: Timestamp(microseconds: t0), body: .monitor(MonitorState(state: .started, version: "0.1.0")))]
        for i in 0..<24 {
            let t = t0 + Int64(i) * 1_000_000 + Int64(i * 7919 % 20_000)
            events.append(probe(t, "r\(i % 3)", i % 5 == 0 ? nil : Int64(300 + i), detail: i % 4 == 0 ? "example.com A 192.0.2.\(i)" : nil))
        }
        let t = t0 + 30_000_000
        events.append(Event(time: Timestamp(microseconds: t), body: .link(Link(interface: "eth0", up: false))))
        events.append(Event(time: Timestamp(microseconds: t + 1), body: .trace(Trace(destination: "192.0.2.9", hops: [
            .init(ttl: 1, address: "192.168.1.1", rtt: 400), .init(ttl: 2, address: nil, rtt: nil), .init(ttl: 3, address: "198.51.100.1", rtt: 9000),
        ]))))
        events.append(Event(time: Timestamp(microseconds: t + 2), body: .speedtest(SpeedTest(server: "http://192.0.2.5/down", outcome: .ok(downMbps: 94.25, upMbps: 18.5), rtt: 9800))))
        events.append(Event(time: Timestamp(microseconds: t + 3), body: .speedtest(SpeedTest(server: "s", outcome: .failed(error: "timeout")))))
        events.append(Event(time: Timestamp(microseconds: t + 4), body: .job(JobState(job: "probes", state: .paused))))
        events.append(Event(time: Timestamp(microseconds: t + 5), body: .note(Note(outage: "c-20260301T120005Z", text: "ISP confirmed"))))
        events.append(Event(time: Timestamp(microseconds: t + 6), body: .monitor(MonitorState(state: .stopped))))
        events.append(Event(time: Timestamp(microseconds: t - 7_200_000_000), body: .monitor(MonitorState(state: .started, clock: .unsynchronized))))
        events.append(Event(time: Timestamp(microseconds: t + 8), body: .clock(ClockStep(step: 7_200_000_000, synchronized: true))))
        events.append(Event(time: Timestamp(microseconds: t + 9), body: .notify(NotifyAttempt(key: "c-20260301T120005Z/outage", channel: "phone", attempt: 1, error: nil))))
        events.append(Event(time: Timestamp(microseconds: t + 10), body: .notify(NotifyAttempt(key: "speedtest/7", channel: "sms", attempt: 2, error: "timeout", detail: "no answer"))))
        return events
    }
}
