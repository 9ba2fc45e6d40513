import ISPMonCore

extension StatusAnswer {
    /// What of a status a live client is told about when it changes: connectivity,
    /// DNS, the monitor, the open outage, and each target's state and since when.
    /// Not the newest event's time, the sequence number or the RTTs, which change
    /// with nearly every probe.
    public struct Digest: Sendable, Hashable {
        var monitor: MonitorState
        var connectivity: Projection.Condition
        var dns: Projection.Condition
        var outage: OutageDigest?
        var targets: [TargetDigest]

        struct OutageDigest: Sendable, Hashable {
            var id: String
            var end: Int64?
            var cause: Outage.Cause
            var culprits: [String]
        }

        struct TargetDigest: Sendable, Hashable {
            var name: String
            var state: Projection.Condition
            var since: Int64?
        }
    }

    public var digest: Digest {
        Digest(monitor: monitor, connectivity: connectivity, dns: dns,
               outage: openOutage.map { .init(id: $0.id, end: $0.end, cause: $0.cause, culprits: $0.culprits) },
               targets: targets.map { .init(name: $0.name, state: $0.state, since: $0.since) })
    }
}
