/// What a commit changed in the views, for those who watch them live (the web
/// server's status stream): a target or layer that changed state, an outage that
/// opened or closed. Derived by comparing the views before and after the commit.
public enum ViewChange: Sendable, Hashable {
    case target(name: String, state: Projection.Condition)
    /// A layer's state: unknown (no target of it known), up or down.
    case layer(Projection.Layer, Projection.Condition)
    /// A connectivity outage opened (its id), or closed.
    case outageOpened(String)
    case outageClosed(String)

    /// The changes from `before` to `after` (every state, when there is no `before`);
    /// `internetDown` are the internet layer's down intervals begun or ended between
    /// them, with their positions (``ViewChanges/intervals``): an outage that opened
    /// and closed within one commit is told too.
    public static func between(_ before: Projection?, _ after: Projection,
                               internetDown: [(position: Int, interval: Interval)]) -> [ViewChange] {
        var changes: [ViewChange] = []
        let old = before.map { Dictionary(uniqueKeysWithValues: $0.slots.map { ($0.name, $0.state) }) } ?? [:]
        for t in after.slots where before == nil || old[t.name] != t.state {
            changes.append(.target(name: t.name, state: t.state))
        }
        for layer in Projection.Layer.allCases {
            let now = after.condition(of: layer)
            if before?.condition(of: layer) != now { changes.append(.layer(layer, now)) }
        }
        // Connectivity outages are the internet layer's down intervals.
        let known = before?.layers[.internet]?.down.count ?? 0
        for (position, interval) in internetDown {
            let id = Outage.id(kind: .connectivity, start: interval.start)
            if position >= known { changes.append(.outageOpened(id)) }
            if interval.end != nil { changes.append(.outageClosed(id)) }
        }
        return changes
    }
}

extension Projection {
    /// A layer's state now: unknown, up, or down.
    public func condition(of layer: Layer) -> Condition {
        guard let track = layers[layer], track.known.isOn else { return .unknown }
        return track.down.isOn ? .down : .up
    }
}
