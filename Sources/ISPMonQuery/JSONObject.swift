import ISPMonCore

/// Builds one JSON object with its keys in the order written (the order the
/// reference gives: docs/cli.md). The one writer of the JSON forms uses it, so
/// the CLI's `--json` and the API answer with the same bytes.
public struct JSONObject {
    public private(set) var bytes: [UInt8] = [0x7B]
    var first = true

    public init() {}

    public mutating func key(_ k: String) {
        if !first { bytes.append(0x2C) }
        first = false
        JSONWriter.appendString(k, to: &bytes)
        bytes.append(0x3A)
    }

    public mutating func string(_ k: String, _ v: String?) {
        key(k)
        if let v { JSONWriter.appendString(v, to: &bytes) } else { bytes += JSONArray.null }
    }

    public mutating func time(_ k: String, _ v: Int64?) { string(k, v.map { Timestamp(microseconds: $0).description }) }

    public mutating func int(_ k: String, _ v: Int64) { key(k); bytes += Array(String(v).utf8) }

    public mutating func bool(_ k: String, _ v: Bool) { key(k); bytes += Array((v ? "true" : "false").utf8) }

    /// A number with at most `decimals` decimals, trailing zeros dropped; null when nil.
    public mutating func number(_ k: String, _ v: Double?, decimals: Int = 3) {
        key(k)
        bytes += v.map { Array(NumberText.format($0, decimals: decimals).utf8) } ?? JSONArray.null
    }

    /// Already-encoded JSON (an object, an array, `null`).
    public mutating func raw(_ k: String, _ json: [UInt8]) { key(k); bytes += json }

    public mutating func strings(_ k: String, _ v: [String]) {
        key(k)
        bytes.append(0x5B)
        for (i, s) in v.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            JSONWriter.appendString(s, to: &bytes)
        }
        bytes.append(0x5D)
    }

    public func finished() -> [UInt8] { bytes + [0x7D] }
}

public enum JSONArray {
    static let null = Array("null".utf8)

    /// A JSON array of encoded elements, one a line (or all on one line when `compact`).
    public static func bytes(_ elements: [[UInt8]], compact: Bool = false) -> [UInt8] {
        var out: [UInt8] = [0x5B]
        for (i, o) in elements.enumerated() {
            if i > 0 { out.append(0x2C) }
            if !compact { out += Array("\n  ".utf8) }
            out += o
        }
        if !compact && !elements.isEmpty { out.append(0x0A) }
        out.append(0x5D)
        return out
    }
}
