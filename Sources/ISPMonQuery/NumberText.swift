#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Numbers as ispmon prints them, in JSON, CSV and tables alike.
public enum NumberText {
    /// Rounded to `decimals` places (halves away from zero), then the shortest digits
    /// that name that value: "16.506", "14", "0.25". Fast (no printf on the common
    /// path), and the same on every machine.
    public static func format(_ v: Double, decimals: Int = 3) -> String {
        let scale = [1.0, 10, 100, 1_000, 10_000, 100_000, 1_000_000][min(max(decimals, 0), 6)]
        let r = (v * scale).rounded() / scale
        var s = r.description
        guard r.isFinite, abs(r) < 1e15, !s.utf8.contains(UInt8(ascii: "e")) else {
            s = printf(v, decimals: decimals)
            if s.contains(".") {
                while s.hasSuffix("0") { s.removeLast() }
                if s.hasSuffix(".") { s.removeLast() }
            }
            return s == "-0" ? "0" : s
        }
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s == "-0" ? "0" : s
    }

    static func printf(_ v: Double, decimals: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 400)
        let n = buffer.withUnsafeMutableBufferPointer { b in
            withVaList([Int32(min(max(decimals, 0), 6)), v]) { vsnprintf(b.baseAddress, b.count, "%.*f", $0) }
        }
        return String(decoding: buffer.prefix(Int(max(0, min(n, 399)))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `4m 12s`, `1h 3m`, `2d 4h`, `850ms`: a duration in µs for people.
    public static func duration(_ us: Int64) -> String {
        let s = us / 1_000_000
        if s < 1 { return "\(us / 1000)ms" }
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m \(s % 60)s" }
        if s < 86_400 { return "\(s / 3600)h \(s / 60 % 60)m" }
        return "\(s / 86_400)d \(s / 3600 % 24)h"
    }
}
