/// The NDJSON form of events (docs/events.md): strict parsing with one
/// reason per bad line, and the exact export form.
public enum EventJSON {
    /// Why a line is not a valid event; the caller adds `FILE:LINE:`.
    public struct InvalidLine: Error, Sendable, CustomStringConvertible {
        public var reason: String
        public init(_ reason: String) { self.reason = reason }
        public var description: String { reason }
    }

    // MARK: Limits from events.md

    public static let maxDetailBytes = 512
    public static let maxServerBytes = 256
    public static let maxNoteBytes = 4096
    public static let maxRTTMicroseconds: Int64 = 600_000_000
    /// Times the export form (`YYYY-…Z`, four-digit years) can write: 0001-01-01T00:00:00Z to the end of 9999.
    public static let minTime = Timestamp(microseconds: Timestamp.days(fromCivil: 1, 1, 1) * 86_400_000_000)
    public static let maxTime = Timestamp(microseconds: Timestamp.days(fromCivil: 10_000, 1, 1) * 86_400_000_000 - 1)
    /// The largest clock step either way: from the earliest time the export form writes to the latest.
    public static let maxClockStep: Microseconds = maxTime.microseconds - minTime.microseconds

    /// `[A-Za-z0-9._-]{1,64}` — target and job names.
    public static func isValidName(_ s: String) -> Bool {
        let u = s.utf8
        return !u.isEmpty && u.count <= 64 && u.allSatisfy { b in
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
                || b == 0x2E || b == 0x5F || b == 0x2D
        }
    }

    /// `[a-z0-9-]{1,32}` — error codes.
    public static func isValidErrorCode(_ s: String) -> Bool {
        let u = s.utf8
        return !u.isEmpty && u.count <= 32 && u.allSatisfy { b in
            (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D
        }
    }

    /// `c-YYYYMMDDTHHMMSSZ` or `d-YYYYMMDDTHHMMSS.ffffffZ` (views.md).
    public static func isValidOutageID(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 18 || u.count == 25, u[0] == 0x63 || u[0] == 0x64, u[1] == 0x2D, u[10] == 0x54,
              u.last == 0x5A else { return false }
        func digits(_ r: Range<Int>) -> Bool { r.allSatisfy { u[$0] >= 0x30 && u[$0] <= 0x39 } }
        guard digits(2..<10), digits(11..<17) else { return false }
        return u.count == 18 || (u[17] == 0x2E && digits(18..<24))
    }

    /// `[A-Za-z0-9._:/-]{1,128}` — a notification's key (`c-20260301T120005Z/outage`, `speedtest/4711`).
    public static func isValidNotifyKey(_ s: String) -> Bool {
        let u = s.utf8
        return !u.isEmpty && u.count <= 128 && u.allSatisfy { b in
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
                || b == 0x2E || b == 0x5F || b == 0x2D || b == 0x3A || b == 0x2F
        }
    }

    /// The most attempts a `notify` event counts (retries at most 5 min apart for at most a year of max_age).
    public static let maxNotifyAttempt = 1_000_000

    /// Free text: no control characters but tab (a line break would break table output).
    public static func isPlainText(_ s: String) -> Bool { s.utf8.allSatisfy { $0 >= 0x20 || $0 == 0x09 } && !s.utf8.contains(0x7F) }

    // MARK: Parsing

    /// Parses one NDJSON line (without its `\n`).
    public static func parse(line: UnsafeRawBufferPointer) throws(InvalidLine) -> Event {
        let value: JSONValue
        do { value = try JSONParser.parse(line) } catch { throw InvalidLine(error.description) }
        guard case .object(let members) = value else { throw InvalidLine("expected a JSON object, found \(value.kindName)") }
        var fields = Fields(members: members)
        let type = try fields.requiredString("type")
        guard let eventType = EventType(rawValue: type) else {
            throw InvalidLine("unknown type \"\(type)\" (expected one of \(EventType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let timeText = try fields.requiredString("time")
        var reason = ""
        guard let time = Timestamp.parse(rfc3339: timeText.utf8, reason: &reason) else {
            throw InvalidLine("field \"time\": \"\(timeText)\": \(reason)")
        }
        // An offset can move a valid date out of the years the UTC export form can write.
        guard time >= minTime, time <= maxTime else {
            throw InvalidLine("field \"time\": \"\(timeText)\" is outside the years 0001 to 9999 in UTC")
        }
        if let seq = fields.take("seq") {  // export only; the log assigns positions
            guard case .number(let n) = seq, let v = Int64(n), v >= 1 else {
                throw InvalidLine("field \"seq\" must be a positive integer")
            }
        }
        let body: Event.Body
        switch eventType {
        case .probe: body = .probe(try parseProbe(&fields))
        case .speedtest: body = .speedtest(try parseSpeedTest(&fields))
        case .link:
            let name = try fields.requiredString("interface")
            guard isValidInterface(name) else { throw InvalidLine("field \"interface\": \"\(name)\" is not an interface name") }
            body = .link(Link(interface: name, up: try fields.requiredBool("up")))
        case .trace: body = .trace(try parseTrace(&fields))
        case .monitor:
            let s = try fields.requiredString("state")
            guard let state = MonitorState.State(rawValue: s) else {
                throw InvalidLine("field \"state\": \"\(s)\" is not started, stopped or reloaded")
            }
            let version = try fields.optionalString("version", maxBytes: 64)
            if let version, !isPlainText(version) { throw InvalidLine("field \"version\" has control characters") }
            var clock: MonitorState.ClockSync?
            if let c = try fields.optionalString("clock", maxBytes: 64) {
                guard let word = MonitorState.ClockSync(rawValue: c) else {
                    throw InvalidLine("field \"clock\": \"\(c)\" is not synchronized or unsynchronized")
                }
                // The word is the clock's state when the monitor started; a stop says nothing of it.
                guard state == .started else { throw InvalidLine("field \"clock\" is only allowed when state is started") }
                clock = word
            }
            body = .monitor(MonitorState(state: state, version: version, clock: clock, removed: try parseRemoved(&fields, state: state)))
        case .job:
            let job = try fields.requiredString("job")
            guard isValidName(job) else { throw InvalidLine("field \"job\": \"\(job)\" is not a valid job name") }
            let s = try fields.requiredString("state")
            guard let state = JobState.State(rawValue: s) else {
                throw InvalidLine("field \"state\": \"\(s)\" is not run, paused or disabled")
            }
            body = .job(JobState(job: job, state: state))
        case .note:
            let outage = try fields.requiredString("outage")
            guard isValidOutageID(outage) else {
                throw InvalidLine("field \"outage\": \"\(outage)\" is not an outage id like c-20260301T120005Z")
            }
            let text = try fields.requiredString("text")
            guard !text.isEmpty, text.utf8.count <= maxNoteBytes else {
                throw InvalidLine("field \"text\" must be 1 to \(maxNoteBytes) bytes")
            }
            guard isPlainText(text) else { throw InvalidLine("field \"text\" has control characters (a tab is the only one allowed)") }
            body = .note(Note(outage: outage, text: text))
        case .clock:
            guard let stepValue = fields.take("step_us") else { throw InvalidLine("missing required field \"step_us\"") }
            guard case .number(let n) = stepValue, let step = Int64(n) else {
                let found = if case .number(let n) = stepValue { n } else { stepValue.kindName }
                throw InvalidLine("field \"step_us\" must be an integer number of microseconds, found \(found)")
            }
            guard step.magnitude <= UInt64(maxClockStep) else {
                throw InvalidLine("field \"step_us\": \(step) is larger than the span of years 0001 to 9999")
            }
            body = .clock(ClockStep(step: step, synchronized: try fields.requiredBool("synchronized")))
        case .notify: body = .notify(try parseNotify(&fields))
        }
        try fields.rejectRest(type: type)
        return Event(time: time, body: body)
    }

    public static func isValidInterface(_ s: String) -> Bool {
        let u = s.utf8
        return !u.isEmpty && u.count <= 64 && u.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != 0x2F }
    }

    static func parseProbe(_ f: inout Fields) throws(InvalidLine) -> Probe {
        let target = try f.requiredString("target")
        guard isValidName(target) else {
            throw InvalidLine("field \"target\": \"\(target)\" is not a valid name ([A-Za-z0-9._-], 1 to 64 characters)")
        }
        let r = try f.requiredString("role")
        guard let role = Role(name: r) else {
            throw InvalidLine("field \"role\": \"\(r)\" is not one of device, gateway, isp, internet, dns")
        }
        let m = try f.requiredString("method")
        guard let method = ProbeMethod(name: m) else {
            throw InvalidLine("field \"method\": \"\(m)\" is not one of icmp, tcp, dns, http")
        }
        let ok = try f.requiredBool("ok")
        let outcome: Probe.Outcome
        if ok {
            guard let rtt = try f.optionalMilliseconds("rtt_ms") else { throw InvalidLine("field \"rtt_ms\" is required when ok is true") }
            if f.has("error") { throw InvalidLine("field \"error\" is only allowed when ok is false") }
            outcome = .ok(rtt: rtt)
        } else {
            guard let code = try f.optionalString("error", maxBytes: 32) else {
                throw InvalidLine("field \"error\" is required when ok is false")
            }
            guard isValidErrorCode(code) else { throw InvalidLine("field \"error\": \"\(code)\" is not a short code ([a-z0-9-], 1 to 32 characters)") }
            if f.has("rtt_ms") { throw InvalidLine("field \"rtt_ms\" is only allowed when ok is true") }
            outcome = .failed(error: code)
        }
        let detail = try f.optionalString("detail", maxBytes: maxDetailBytes)
        if let detail, !isPlainText(detail) { throw InvalidLine("field \"detail\" has control characters") }
        return Probe(target: target, role: role, method: method, outcome: outcome, detail: detail)
    }

    static func parseNotify(_ f: inout Fields) throws(InvalidLine) -> NotifyAttempt {
        let key = try f.requiredString("key")
        guard isValidNotifyKey(key) else {
            throw InvalidLine("field \"key\": \"\(key)\" is not a notification key ([A-Za-z0-9._:/-], 1 to 128 characters)")
        }
        let channel = try f.requiredString("channel")
        guard isValidName(channel) else {
            throw InvalidLine("field \"channel\": \"\(channel)\" is not a valid name ([A-Za-z0-9._-], 1 to 64 characters)")
        }
        let ok = try f.requiredBool("ok")
        guard let attemptValue = f.take("attempt") else { throw InvalidLine("missing required field \"attempt\"") }
        guard case .number(let n) = attemptValue, let attempt = Int(n), attempt >= 1, attempt <= maxNotifyAttempt else {
            let found = if case .number(let n) = attemptValue { n } else { attemptValue.kindName }
            throw InvalidLine("field \"attempt\" must be an integer from 1 to \(maxNotifyAttempt), found \(found)")
        }
        var error: String?
        if ok {
            if f.has("error") { throw InvalidLine("field \"error\" is only allowed when ok is false") }
        } else {
            guard let code = try f.optionalString("error", maxBytes: 32) else {
                throw InvalidLine("field \"error\" is required when ok is false")
            }
            guard isValidErrorCode(code) else { throw InvalidLine("field \"error\": \"\(code)\" is not a short code ([a-z0-9-], 1 to 32 characters)") }
            error = code
        }
        let detail = try f.optionalString("detail", maxBytes: maxDetailBytes)
        if let detail, !isPlainText(detail) { throw InvalidLine("field \"detail\" has control characters") }
        return NotifyAttempt(key: key, channel: channel, attempt: attempt, error: error, detail: detail)
    }

    /// The most names a `reloaded` event lists (a config holds far fewer targets and interfaces).
    public static let maxRemoved = 1024

    /// A `monitor` event's `removed`: required at `reloaded` (empty when nothing was removed), not allowed otherwise.
    static func parseRemoved(_ f: inout Fields, state: MonitorState.State) throws(InvalidLine) -> [String] {
        guard let value = f.take("removed") else {
            guard state != .reloaded else {
                throw InvalidLine("missing required field \"removed\" (the targets and interfaces the reload removed, [] for none)")
            }
            return []
        }
        guard state == .reloaded else { throw InvalidLine("field \"removed\" is only allowed when state is reloaded") }
        guard case .array(let items) = value else { throw InvalidLine("field \"removed\" must be an array, found \(value.kindName)") }
        guard items.count <= maxRemoved else { throw InvalidLine("field \"removed\" has more than \(maxRemoved) names") }
        var names: [String] = []
        for (n, item) in items.enumerated() {
            guard case .string(let name) = item, isValidName(name) || isValidInterface(name) else {
                throw InvalidLine("removed[\(n)] must be a target or interface name")
            }
            names.append(name)
        }
        return names
    }

    static func parseSpeedTest(_ f: inout Fields) throws(InvalidLine) -> SpeedTest {
        let server = try f.requiredString("server")
        guard !server.isEmpty, server.utf8.count <= maxServerBytes, isPlainText(server) else {
            throw InvalidLine("field \"server\" must be 1 to \(maxServerBytes) bytes of text")
        }
        let ok = try f.requiredBool("ok")
        let outcome: SpeedTest.Outcome
        if ok {
            guard let down = try f.optionalMbps("down_mbps") else { throw InvalidLine("field \"down_mbps\" is required when ok is true") }
            guard let up = try f.optionalMbps("up_mbps") else { throw InvalidLine("field \"up_mbps\" is required when ok is true") }
            if f.has("error") { throw InvalidLine("field \"error\" is only allowed when ok is false") }
            outcome = .ok(downMbps: down, upMbps: up)
        } else {
            guard let code = try f.optionalString("error", maxBytes: 32) else {
                throw InvalidLine("field \"error\" is required when ok is false")
            }
            guard isValidErrorCode(code) else { throw InvalidLine("field \"error\": \"\(code)\" is not a short code ([a-z0-9-], 1 to 32 characters)") }
            for k in ["down_mbps", "up_mbps"] where f.has(k) { throw InvalidLine("field \"\(k)\" is only allowed when ok is true") }
            outcome = .failed(error: code)
        }
        return SpeedTest(server: server, outcome: outcome, rtt: try f.optionalMilliseconds("rtt_ms"))
    }

    static func parseTrace(_ f: inout Fields) throws(InvalidLine) -> Trace {
        let destination = try f.requiredString("destination")
        guard !destination.isEmpty, destination.utf8.count <= 256, isPlainText(destination) else {
            throw InvalidLine("field \"destination\" must be 1 to 256 bytes of text")
        }
        guard let hopsValue = f.take("hops") else { throw InvalidLine("missing required field \"hops\"") }
        guard case .array(let items) = hopsValue else { throw InvalidLine("field \"hops\" must be an array, found \(hopsValue.kindName)") }
        guard items.count <= 255 else { throw InvalidLine("field \"hops\" has more than 255 hops") }
        var hops: [Trace.Hop] = []
        var lastTTL = 0
        for (n, item) in items.enumerated() {
            guard case .object(let members) = item else { throw InvalidLine("hops[\(n)] must be an object") }
            var h = Fields(members: members, path: "hops[\(n)].")
            guard let ttlValue = h.take("ttl"), case .number(let t) = ttlValue, let ttl = Int(t), ttl >= 1, ttl <= 255 else {
                throw InvalidLine("hops[\(n)].ttl must be an integer from 1 to 255")
            }
            guard ttl > lastTTL else { throw InvalidLine("hops[\(n)].ttl: hops must be in increasing TTL order") }
            lastTTL = ttl
            var address: String?
            switch h.take("address") {
            case .none: throw InvalidLine("missing required field \"hops[\(n)].address\" (null when no answer)")
            case .null?: address = nil
            case .string(let s)?:
                guard !s.isEmpty, s.utf8.count <= 64, isPlainText(s) else { throw InvalidLine("hops[\(n)].address must be 1 to 64 bytes of text") }
                address = s
            case let other?: throw InvalidLine("hops[\(n)].address must be a string or null, found \(other.kindName)")
            }
            guard h.isPresent("rtt_ms") else { throw InvalidLine("missing required field \"hops[\(n)].rtt_ms\" (null when no answer)") }
            let rtt = try h.optionalMilliseconds("rtt_ms")
            try h.rejectRest(type: "trace hop")
            hops.append(Trace.Hop(ttl: ttl, address: address, rtt: rtt))
        }
        return Trace(destination: destination, hops: hops)
    }

    /// The members of one object, taken one by one so that what is left over is unknown.
    struct Fields {
        var members: [(String, JSONValue)]
        var path = ""

        /// The field is there with a value other than null.
        func has(_ key: String) -> Bool {
            members.contains { $0.0 == key && $0.1 != .null }
        }

        /// The field is there, even if null.
        func isPresent(_ key: String) -> Bool { members.contains { $0.0 == key } }

        mutating func take(_ key: String) -> JSONValue? {
            guard let i = members.firstIndex(where: { $0.0 == key }) else { return nil }
            return members.remove(at: i).1
        }

        mutating func requiredString(_ key: String) throws(InvalidLine) -> String {
            guard let v = take(key) else { throw InvalidLine("missing required field \"\(path)\(key)\"") }
            guard case .string(let s) = v else { throw InvalidLine("field \"\(path)\(key)\" must be a string, found \(v.kindName)") }
            return s
        }

        mutating func optionalString(_ key: String, maxBytes: Int) throws(InvalidLine) -> String? {
            guard let v = take(key), v != .null else { return nil }
            guard case .string(let s) = v else { throw InvalidLine("field \"\(path)\(key)\" must be a string, found \(v.kindName)") }
            guard s.utf8.count <= maxBytes else { throw InvalidLine("field \"\(path)\(key)\" is longer than \(maxBytes) bytes") }
            return s
        }

        mutating func requiredBool(_ key: String) throws(InvalidLine) -> Bool {
            guard let v = take(key) else { throw InvalidLine("missing required field \"\(path)\(key)\"") }
            guard case .bool(let b) = v else { throw InvalidLine("field \"\(path)\(key)\" must be true or false, found \(v.kindName)") }
            return b
        }

        mutating func optionalNumber(_ key: String) throws(InvalidLine) -> (String, Double)? {
            guard let v = take(key), v != .null else { return nil }
            guard case .number(let text) = v, let d = Double(text), d.isFinite else {
                throw InvalidLine("field \"\(path)\(key)\" must be a number, found \(v.kindName)")
            }
            return (text, d)
        }

        /// Milliseconds in `[0, 600000)`, kept to the microsecond (finer digits rounded).
        mutating func optionalMilliseconds(_ key: String) throws(InvalidLine) -> Microseconds? {
            guard let (text, ms) = try optionalNumber(key) else { return nil }
            // The range applies to the value kept: 599999.9999 rounds to 600000 ms, out of range.
            let us = ms >= 0 && ms < 600_000 ? Microseconds((ms * 1000).rounded()) : -1
            guard us >= 0, us < maxRTTMicroseconds else {
                throw InvalidLine("field \"\(path)\(key)\": \(text) is out of range (0 <= ms < 600000)")
            }
            return us
        }

        mutating func optionalMbps(_ key: String) throws(InvalidLine) -> Double? {
            guard let (text, v) = try optionalNumber(key) else { return nil }
            guard v >= 0, v < 1e9 else { throw InvalidLine("field \"\(path)\(key)\": \(text) is out of range (0 <= Mbps < 1e9)") }
            return v == 0 ? 0 : v  // no negative zero
        }

        func rejectRest(type: String) throws(InvalidLine) {
            if let (key, _) = members.first {
                throw InvalidLine("unknown field \"\(path)\(key)\" for type \(type)")
            }
        }
    }

    // MARK: Writing

    /// Appends the export form of `event` (with its `seq`) and a `\n`.
    public static func append(_ event: Event, seq: UInt64?, to out: inout [UInt8]) {
        out.append(0x7B)
        if let seq {
            JSONWriter.appendRaw("\"seq\":", to: &out)
            JSONWriter.appendDecimal(seq, to: &out)
            out.append(0x2C)
        }
        JSONWriter.appendRaw("\"time\":\"", to: &out)
        event.time.appendRFC3339(to: &out)
        JSONWriter.appendRaw("\",\"type\":\"", to: &out)
        out.append(contentsOf: event.type.rawValue.utf8)
        out.append(0x22)
        func key(_ k: StaticString) {
            JSONWriter.appendRaw(",\"", to: &out)
            JSONWriter.appendRaw(k, to: &out)
            JSONWriter.appendRaw("\":", to: &out)
        }
        func str(_ k: StaticString, _ v: String) { key(k); JSONWriter.appendString(v, to: &out) }
        func bool(_ k: StaticString, _ v: Bool) { key(k); JSONWriter.appendRaw(v ? "true" : "false", to: &out) }
        func ms(_ k: StaticString, _ v: Microseconds) { key(k); JSONWriter.appendMilliseconds(v, to: &out) }
        switch event.body {
        case .probe(let p):
            str("target", p.target)
            str("role", p.role.name)
            str("method", p.method.name)
            switch p.outcome {
            case .ok(let rtt): bool("ok", true); ms("rtt_ms", rtt)
            case .failed(let e): bool("ok", false); str("error", e)
            }
            if let d = p.detail { str("detail", d) }
        case .speedtest(let s):
            str("server", s.server)
            switch s.outcome {
            case .ok(let down, let up):
                bool("ok", true)
                key("down_mbps"); JSONWriter.appendDouble(down, to: &out)
                key("up_mbps"); JSONWriter.appendDouble(up, to: &out)
            case .failed(let e): bool("ok", false); str("error", e)
            }
            if let r = s.rtt { ms("rtt_ms", r) }
        case .link(let l):
            str("interface", l.interface)
            bool("up", l.up)
        case .trace(let t):
            str("destination", t.destination)
            key("hops")
            out.append(0x5B)
            for (n, h) in t.hops.enumerated() {
                if n > 0 { out.append(0x2C) }
                out.append(contentsOf: "{\"ttl\":".utf8)
                JSONWriter.appendInt(Int64(h.ttl), to: &out)
                out.append(contentsOf: ",\"address\":".utf8)
                if let a = h.address { JSONWriter.appendString(a, to: &out) } else { out.append(contentsOf: "null".utf8) }
                out.append(contentsOf: ",\"rtt_ms\":".utf8)
                if let r = h.rtt { JSONWriter.appendMilliseconds(r, to: &out) } else { out.append(contentsOf: "null".utf8) }
                out.append(0x7D)
            }
            out.append(0x5D)
        case .monitor(let m):
            str("state", m.state.rawValue)
            if let v = m.version { str("version", v) }
            if let c = m.clock { str("clock", c.rawValue) }
            if m.state == .reloaded {
                key("removed")
                out.append(0x5B)
                for (n, name) in m.removed.enumerated() {
                    if n > 0 { out.append(0x2C) }
                    JSONWriter.appendString(name, to: &out)
                }
                out.append(0x5D)
            }
        case .job(let j):
            str("job", j.job)
            str("state", j.state.rawValue)
        case .note(let n):
            str("outage", n.outage)
            str("text", n.text)
        case .clock(let c):
            key("step_us")
            JSONWriter.appendInt(Int64(c.step), to: &out)
            bool("synchronized", c.synchronized)
        case .notify(let n):
            str("key", n.key)
            str("channel", n.channel)
            bool("ok", n.ok)
            key("attempt")
            out.append(contentsOf: String(n.attempt).utf8)
            if let e = n.error { str("error", e) }
            if let d = n.detail { str("detail", d) }
        }
        JSONWriter.appendRaw("}\n", to: &out)
    }
}
