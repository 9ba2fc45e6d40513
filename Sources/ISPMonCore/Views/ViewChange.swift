/// What a commit changed in the views, for those who watch them live (the web
/// server's status stream): a target or layer that changed state, an outage that
/// opened or closed. Derived by comparing the views before and after the commit.
public enum ViewChange: Sendable, Hashable {
    case target(name: String, state: Projection.Condition)
    /// A layer's state: unknown (no target of it known), up or down.
    case layer(Projection.Layer, Projection.Condition)
    /// An outage opened (its id), or closed: a connectivity outage, or a DNS outage (the DNS layer
    /// down outside any connectivity outage, views.md) when the DNS layer's intervals are given.
    case outageOpened(String)
    case outageClosed(String)

    /// What of a projection the changes are told against: small, so that taking it
    /// before a commit costs next to nothing (and holds no reference to the projection,
    /// which the commit then changes in place).
    public struct Snapshot: Sendable {
        var targets: [String: Projection.Condition]
        var layers: [Projection.Layer: Projection.Condition]
        /// Intervals the internet layer's down track has had.
        var internetDownCount: Int
        /// Intervals the DNS layer's down track has had.
        var dnsDownCount: Int

        public init(_ p: Projection) {
            targets = Dictionary(p.slots.map { ($0.name, $0.state) }, uniquingKeysWith: { $1 })
            layers = Dictionary(uniqueKeysWithValues: Projection.Layer.allCases.map { ($0, p.condition(of: $0)) })
            internetDownCount = p.layers[.internet]?.down.count ?? 0
            dnsDownCount = p.layers[.dns]?.down.count ?? 0
        }
    }

    /// The changes from `before` to `after` (every state, when there is no `before`);
    /// `internetDown` are the internet layer's down intervals begun or ended between
    /// them, with their positions (``ViewChanges/intervals``): an outage that opened
    /// and closed within one commit is told too. `dnsDown`, the same of the DNS layer: its
    /// intervals outside every connectivity outage known then are DNS outages (one that a
    /// connectivity outage later overlaps is no longer one in the views, but was told).
    public static func between(_ before: Snapshot?, _ after: Projection,
                               internetDown: [(position: Int, interval: Interval)],
                               dnsDown: [(position: Int, interval: Interval)] = []) -> [ViewChange] {
        var changes: [ViewChange] = []
        for t in after.slots where before == nil || before?.targets[t.name] != t.state {
            changes.append(.target(name: t.name, state: t.state))
        }
        for layer in Projection.Layer.allCases {
            let now = after.condition(of: layer)
            if before?.layers[layer] != now { changes.append(.layer(layer, now)) }
        }
        // Connectivity outages are the internet layer's down intervals.
        let known = before?.internetDownCount ?? 0
        for (position, interval) in internetDown {
            let id = Outage.id(kind: .connectivity, start: interval.start)
            if position >= known { changes.append(.outageOpened(id)) }
            if interval.end != nil { changes.append(.outageClosed(id)) }
        }
        guard !dnsDown.isEmpty else { return changes }
        let connectivity = (after.layers[.internet]?.down.intervals ?? []) + internetDown.map(\.interval)
        let knownDNS = before?.dnsDownCount ?? 0
        for (position, interval) in dnsDown {
            let end = interval.end ?? .max
            let overlaps = connectivity.contains { c in interval.start < (c.end ?? .max) && end > c.start || interval.start == c.start }
            guard !overlaps else { continue }
            let id = Outage.id(kind: .dns, start: interval.start)
            if position >= knownDNS { changes.append(.outageOpened(id)) }
            if interval.end != nil { changes.append(.outageClosed(id)) }
        }
        return changes
    }
}
