import ISPMonCore

/// A layer's state as people are told it (docs/web.md, "freshness first"): up or down and since
/// when, or, when nothing watches the store now, not monitoring since the newest result.
public struct LayerSince: Sendable, Hashable {
    public enum State: String, Sendable, Hashable { case up, down, unknown, unmonitored }

    public var state: State
    /// Down: since its open outage began; up: since its last outage ended (nil when it never had
    /// one); unmonitored: the newest result's time.
    public var since: Int64?

    /// `kind`'s layer from `status` and every outage diagnosed (`outages`, by start).
    init(_ status: StatusAnswer, kind: Outage.Kind, outages: [Outage], monitoring: Bool) {
        guard monitoring else {
            self.init(state: .unmonitored, since: status.lastResult)
            return
        }
        let mine = outages.filter { $0.kind == kind }
        switch kind == .connectivity ? status.connectivity : status.dns {
        case .down: self.init(state: .down, since: mine.last { $0.end == nil }?.start)
        case .up: self.init(state: .up, since: mine.compactMap(\.end).max())
        case .unknown: self.init(state: .unknown, since: nil)
        }
    }

    public init(state: State, since: Int64?) {
        self.state = state
        self.since = since
    }
}
