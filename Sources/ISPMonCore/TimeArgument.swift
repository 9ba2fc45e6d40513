/// A time given on the command line: RFC 3339, or a span back from now
/// (`90s`, `90m`, `24h`, `7d`, `4w`).
public enum TimeArgument {
    public static func parse(_ text: String, now: Timestamp) -> Timestamp? {
        var reason = ""
        if let t = Timestamp.parse(rfc3339: text.utf8, reason: &reason) { return t }
        guard let unit = text.last, let n = Int64(text.dropLast()), n >= 0 else { return nil }
        let seconds: Int64
        switch unit {
        case "s": seconds = 1
        case "m": seconds = 60
        case "h": seconds = 3600
        case "d": seconds = 86_400
        case "w": seconds = 604_800
        default: return nil
        }
        let (product, overflow) = n.multipliedReportingOverflow(by: seconds * 1_000_000)
        guard !overflow else { return nil }
        return Timestamp(microseconds: now.microseconds - product)
    }
}
