/// Row encoding of the rare events that are not probes (inside a chunk).
enum RowCodec {
    static func append(_ e: Event, previousTime: Int64, to out: inout [UInt8]) {
        out.append(UInt8(EventType.allCases.firstIndex(of: e.type)!))
        out.appendZigzag(e.time.microseconds &- previousTime)
        switch e.body {
        case .probe:
            preconditionFailure("probes are stored by column")
        case .speedtest(let s):
            out.appendLengthPrefixed(s.server)
            var flags: UInt8 = s.rtt == nil ? 0 : 2
            if case .ok = s.outcome { flags |= 1 }
            out.append(flags)
            switch s.outcome {
            case .ok(let down, let up):
                out.appendUInt64LE(down.bitPattern)
                out.appendUInt64LE(up.bitPattern)
            case .failed(let error):
                out.appendLengthPrefixed(error)
            }
            if let rtt = s.rtt { out.appendVarint(UInt64(bitPattern: rtt)) }
        case .link(let l):
            out.appendLengthPrefixed(l.interface)
            out.append(l.up ? 1 : 0)
        case .trace(let t):
            out.appendLengthPrefixed(t.destination)
            out.appendVarint(UInt64(t.hops.count))
            for h in t.hops {
                out.appendVarint(UInt64(h.ttl))
                out.append((h.address == nil ? 0 : 1) | (h.rtt == nil ? 0 : 2))
                if let a = h.address { out.appendLengthPrefixed(a) }
                if let r = h.rtt { out.appendVarint(UInt64(bitPattern: r)) }
            }
        case .monitor(let m):
            // Bit 0 stopped; bits 1–2 the clock word (0 none, 1 synchronized, 2
            // unsynchronized), so rows written before the word existed read as none;
            // bit 3 reloaded, then the removed names after the version (rows written
            // before reloads existed have neither).
            let state: UInt8 = m.state == .stopped ? 1 : m.state == .reloaded ? 8 : 0
            out.append(state | RowCodec.clockBits(m.clock) << 1)
            out.append(m.version == nil ? 0 : 1)
            if let v = m.version { out.appendLengthPrefixed(v) }
            if m.state == .reloaded {
                out.appendVarint(UInt64(m.removed.count))
                for name in m.removed { out.appendLengthPrefixed(name) }
            }
        case .job(let j):
            out.appendLengthPrefixed(j.job)
            out.append(j.state == .run ? 0 : j.state == .paused ? 1 : 2)
        case .note(let n):
            out.appendLengthPrefixed(n.outage)
            out.appendLengthPrefixed(n.text)
        case .clock(let c):
            out.appendZigzag(c.step)
            out.append(c.synchronized ? 1 : 0)
        case .notify(let n):
            // Flags: bit 0 an error (not ok), bit 1 a detail.
            out.appendLengthPrefixed(n.key)
            out.appendLengthPrefixed(n.channel)
            out.appendVarint(UInt64(n.attempt))
            out.append((n.error == nil ? 0 : 1) | (n.detail == nil ? 0 : 2))
            if let e = n.error { out.appendLengthPrefixed(e) }
            if let d = n.detail { out.appendLengthPrefixed(d) }
        }
    }

    static func clockBits(_ c: MonitorState.ClockSync?) -> UInt8 {
        switch c {
        case nil: 0
        case .synchronized?: 1
        case .unsynchronized?: 2
        }
    }

    static func read(_ r: inout ByteReader, previousTime: Int64) throws(CorruptData) -> Event {
        let t = try r.byte()
        guard Int(t) < EventType.allCases.count else { throw CorruptData("unknown event type \(t)") }
        let time = Timestamp(microseconds: previousTime &+ (try r.zigzag()))
        func flag(_ b: UInt8) throws(CorruptData) -> Bool {
            guard b <= 1 else { throw CorruptData("bad flag") }
            return b == 1
        }
        let body: Event.Body
        switch EventType.allCases[Int(t)] {
        case .probe:
            throw CorruptData("probe stored as a row")
        case .speedtest:
            let server = try r.string()
            let flags = try r.byte()
            let outcome: SpeedTest.Outcome
            if flags & 1 != 0 {
                outcome = .ok(downMbps: Double(bitPattern: try r.uint64LE()), upMbps: Double(bitPattern: try r.uint64LE()))
            } else {
                outcome = .failed(error: try r.string())
            }
            let rtt: Microseconds? = flags & 2 != 0 ? Int64(bitPattern: try r.varint()) : nil
            body = .speedtest(SpeedTest(server: server, outcome: outcome, rtt: rtt))
        case .link:
            let name = try r.string()
            body = .link(Link(interface: name, up: try flag(r.byte())))
        case .trace:
            let destination = try r.string()
            let n = try r.count(max: 255)
            var hops: [Trace.Hop] = []
            for _ in 0..<n {
                let ttl = try r.count(max: 255)
                let flags = try r.byte()
                let address = flags & 1 != 0 ? try r.string() : nil
                let rtt: Microseconds? = flags & 2 != 0 ? Int64(bitPattern: try r.varint()) : nil
                hops.append(Trace.Hop(ttl: ttl, address: address, rtt: rtt))
            }
            body = .trace(Trace(destination: destination, hops: hops))
        case .monitor:
            let b = try r.byte()
            let clockWord = (b >> 1) & 3
            guard b >> 4 == 0, clockWord <= 2, b & 9 != 9 else { throw CorruptData("bad monitor state \(b)") }
            let state: MonitorState.State = b & 1 == 1 ? .stopped : b & 8 == 8 ? .reloaded : .started
            let clock: MonitorState.ClockSync? = clockWord == 0 ? nil : clockWord == 1 ? .synchronized : .unsynchronized
            let version = try flag(r.byte()) ? try r.string() : nil
            var removed: [String] = []
            if state == .reloaded {
                let n = try r.count(max: EventJSON.maxRemoved)
                for _ in 0..<n { removed.append(try r.string()) }
            }
            body = .monitor(MonitorState(state: state, version: version, clock: clock, removed: removed))
        case .job:
            let job = try r.string()
            let s = try r.byte()
            guard s <= 2 else { throw CorruptData("bad job state \(s)") }
            body = .job(JobState(job: job, state: s == 0 ? .run : s == 1 ? .paused : .disabled))
        case .note:
            let outage = try r.string()
            body = .note(Note(outage: outage, text: try r.string()))
        case .clock:
            let step = try r.zigzag()
            body = .clock(ClockStep(step: step, synchronized: try flag(r.byte())))
        case .notify:
            let key = try r.string()
            let channel = try r.string()
            let attempt = try r.count(max: EventJSON.maxNotifyAttempt)
            let flags = try r.byte()
            guard flags <= 3, attempt >= 1 else { throw CorruptData("bad notify row") }
            let error = flags & 1 != 0 ? try r.string() : nil
            let detail = flags & 2 != 0 ? try r.string() : nil
            body = .notify(NotifyAttempt(key: key, channel: channel, attempt: attempt, error: error, detail: detail))
        }
        return Event(time: time, body: body)
    }
}
