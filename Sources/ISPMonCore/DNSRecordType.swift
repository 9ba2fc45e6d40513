/// The record type a dns probe or check asks for: what the config and the tools name, and the
/// probe puts on the wire (RFC 1035 type codes).
public enum DNSRecordType: Sendable, Equatable, CustomStringConvertible {
    case a, aaaa

    public init?(_ text: String) {
        switch text.uppercased() {
        case "A": self = .a
        case "AAAA": self = .aaaa
        default: return nil
        }
    }

    /// The type's code in a question and an answer record.
    public var code: UInt16 { self == .a ? 1 : 28 }
    public var description: String { self == .a ? "A" : "AAAA" }
}
