import Foundation
import ISPMonCore

/// Builds one JSON object with its keys in the order written (the order of cli.md).
struct JSONObject {
    var bytes: [UInt8] = [0x7B]
    var first = true

    mutating func key(_ k: String) {
        if !first { bytes.append(0x2C) }
        first = false
        JSONWriter.appendString(k, to: &bytes)
        bytes.append(0x3A)
    }

    mutating func string(_ k: String, _ v: String?) {
        key(k)
        if let v { JSONWriter.appendString(v, to: &bytes) } else { bytes += Array("null".utf8) }
    }

    mutating func time(_ k: String, _ v: Int64?) { string(k, v.map { Timestamp(microseconds: $0).description }) }

    mutating func int(_ k: String, _ v: Int64) { key(k); bytes += Array(String(v).utf8) }

    /// A number with at most `decimals` decimals, trailing zeros dropped; null when nil.
    mutating func number(_ k: String, _ v: Double?, decimals: Int = 3) {
        key(k)
        bytes += Array((v.map { Output.number($0, decimals: decimals) } ?? "null").utf8)
    }

    mutating func raw(_ k: String, _ json: [UInt8]) { key(k); bytes += json }

    mutating func strings(_ k: String, _ v: [String]) {
        key(k)
        bytes.append(0x5B)
        for (i, s) in v.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            JSONWriter.appendString(s, to: &bytes)
        }
        bytes.append(0x5D)
    }

    func finished() -> [UInt8] { bytes + [0x7D] }
}

enum Output {
    static func number(_ v: Double, decimals: Int = 3) -> String {
        // Rounded to `decimals` places (halves away from zero), then the shortest
        // digits that name that value: "16.506", "14", "0.25". Fast (no printf),
        // and the same on every machine.
        let scale = [1.0, 10, 100, 1_000, 10_000, 100_000, 1_000_000][min(max(decimals, 0), 6)]
        let r = (v * scale).rounded() / scale
        var s = r.description
        guard r.isFinite, abs(r) < 1e15, !s.utf8.contains(UInt8(ascii: "e")) else {
            s = String(format: "%.\(decimals)f", v)
            if s.contains(".") {
                while s.hasSuffix("0") { s.removeLast() }
                if s.hasSuffix(".") { s.removeLast() }
            }
            return s == "-0" ? "0" : s
        }
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s == "-0" ? "0" : s
    }

    /// A JSON array, one element a line (or all on one line when `compact`).
    static func jsonArray(_ objects: [[UInt8]], compact: Bool = false) -> String {
        String(decoding: jsonArrayBytes(compact: compact, objects), as: UTF8.self)
    }

    static func jsonArrayBytes(compact: Bool = false, _ objects: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = [0x5B]
        for (i, o) in objects.enumerated() {
            if i > 0 { out.append(0x2C) }
            if !compact { out += Array("\n  ".utf8) }
            out += o
        }
        if !compact && !objects.isEmpty { out.append(0x0A) }
        out.append(0x5D)
        return out
    }

    static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// `4m 12s`, `1h 3m`, `2d 4h`, `850ms`.
    static func duration(_ us: Int64) -> String {
        let s = us / 1_000_000
        if s < 1 { return "\(us / 1000)ms" }
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m \(s % 60)s" }
        if s < 86_400 { return "\(s / 3600)h \(s / 60 % 60)m" }
        return "\(s / 86_400)d \(s / 3600 % 24)h"
    }

    /// Local time for people: `2026-03-01 13:00:05`.
    static func localTime(_ us: Int64) -> String {
        var secs = time_t(us.floorDivided(by: 1_000_000).0)
        var tm = tm()
        localtime_r(&secs, &tm)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                      tm.tm_hour, tm.tm_min, tm.tm_sec)
    }

    /// Aligned columns with a header line.
    static func table(_ header: [String], _ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                let pad = String(repeating: " ", count: widths[i] - c.count)
                return rightAligned.contains(i) ? pad + c : (i == cells.count - 1 ? c : c + pad)
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
