/// The result of one probe or one try of a check: the RTT in µs, or an error code (events.md)
/// and a detail.
public enum ProbeResult: Sendable, Equatable {
    case ok(rtt: Int64, detail: String?)
    case failed(error: String, detail: String?)
}
