/// A point in time: microseconds since 1970-01-01T00:00:00Z (UTC).
///
/// Events keep time to the microsecond: the NDJSON form is exported with
/// exactly six fractional digits, so export → import is lossless.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.microseconds < b.microseconds }

    /// The RFC 3339 form in UTC: `2026-03-01T12:00:00.250000Z`.
    public var description: String { String(decoding: rfc3339Bytes(), as: UTF8.self) }

    public func rfc3339Bytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(27)
        appendRFC3339(to: &out)
        return out
    }

    /// Appends `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
    public func appendRFC3339(to out: inout [UInt8]) {
        let (secs, micros) = microseconds.floorDivided(by: 1_000_000)
        let (days, secOfDay) = secs.floorDivided(by: 86_400)
        let (y, m, d) = Timestamp.civil(fromDays: days)
        // 2026-03-01T12:00:05.000123Z: 27 bytes, written in place and appended once.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 27) { text in
            var at = 0
            func put(_ v: Int64, _ width: Int) {
                var v = v
                for i in stride(from: at + width - 1, through: at, by: -1) {
                    text[i] = UInt8(0x30 + (v % 10).magnitude)  // magnitude: never trap, even on absurd years
                    v /= 10
                }
                at += width
            }
            func mark(_ b: UInt8) {
                text[at] = b
                at += 1
            }
            put(y, 4); mark(0x2D); put(m, 2); mark(0x2D); put(d, 2)
            mark(0x54)
            put(secOfDay / 3600, 2); mark(0x3A); put(secOfDay / 60 % 60, 2); mark(0x3A); put(secOfDay % 60, 2)
            mark(0x2E); put(micros, 6); mark(0x5A)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: text[..<at]))
        }
    }

    /// Parses RFC 3339 (`T`, `t` or a space between date and time; `Z`, `z` or
    /// `±HH:MM`; any number of fractional digits, rounded to the microsecond).
    /// Returns nil with `reason` set when the text is not a valid time.
    public static func parse<C: Collection<UInt8>>(rfc3339 text: C, reason: inout String) -> Timestamp? {
        var s = Array(text)[...]
        func digits(_ n: Int) -> Int64? {
            guard s.count >= n else { return nil }
            var v: Int64 = 0
            for b in s.prefix(n) {
                guard b >= 0x30, b <= 0x39 else { return nil }
                v = v * 10 + Int64(b - 0x30)
            }
            s = s.dropFirst(n)
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard s.first == c else { return false }
            s = s.dropFirst()
            return true
        }
        reason = "not an RFC 3339 time (expected e.g. 2026-03-01T12:00:00Z)"
        guard let year = digits(4), expect(0x2D), let month = digits(2), expect(0x2D), let day = digits(2) else { return nil }
        guard let sep = s.first, sep == 0x54 || sep == 0x74 || sep == 0x20 else { return nil }
        s = s.dropFirst()
        guard let hour = digits(2), expect(0x3A), let minute = digits(2), expect(0x3A), let second = digits(2) else {
            return nil
        }
        var micros: Int64 = 0
        if expect(0x2E) {
            var scale: Int64 = 100_000
            var any = false
            var roundUp = false
            var first = true
            while let b = s.first, b >= 0x30, b <= 0x39 {
                any = true
                if scale >= 1 {
                    micros += Int64(b - 0x30) * scale
                    scale /= 10
                } else if first {
                    roundUp = b >= 0x35
                    first = false
                }
                s = s.dropFirst()
            }
            guard any else { return nil }
            if roundUp { micros += 1 }
        }
        var offsetSeconds: Int64 = 0
        if expect(0x5A) || expect(0x7A) {
        } else if let sign = s.first, sign == 0x2B || sign == 0x2D {
            s = s.dropFirst()
            guard let oh = digits(2), expect(0x3A), let om = digits(2) else { return nil }
            guard oh <= 23, om <= 59 else { reason = "time zone offset out of range"; return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (sign == 0x2B ? 1 : -1)
        } else {
            reason = "time has no time zone (add Z or an offset like +01:00)"
            return nil
        }
        guard s.isEmpty else { return nil }
        guard year >= 1, month >= 1, month <= 12, day >= 1, day <= daysIn(month: month, year: year) else {
            reason = "no such date"
            return nil
        }
        guard hour <= 23, minute <= 59, second <= 59 else {
            reason = second == 60 ? "leap seconds are not supported" : "time of day out of range"
            return nil
        }
        let days = Timestamp.days(fromCivil: year, month, day)
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Timestamp(microseconds: secs * 1_000_000 + micros)
    }

    /// Days since 1970-01-01 of `YYYY-MM-DD` (0 when malformed).
    public static func parseDay(_ text: String) -> Int64 {
        let parts = text.split(separator: "-").compactMap { Int64($0) }
        guard parts.count == 3 else { return 0 }
        return days(fromCivil: parts[0], parts[1], parts[2])
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

extension Int64 {
    /// Quotient and remainder rounded toward minus infinity (remainder >= 0).
    public func floorDivided(by d: Int64) -> (Int64, Int64) {
        let q = self / d, r = self % d
        return r < 0 ? (q - 1, r + d) : (q, r)
    }
}
