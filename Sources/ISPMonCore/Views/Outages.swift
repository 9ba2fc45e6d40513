/// Outages, their causes and culprits (views.md), derived from a projection's
/// interval histories whenever they are asked for.
public struct Outage: Hashable, Sendable {
    public enum Kind: String, Sendable { case connectivity, dns }
    public enum Cause: String, Sendable, CaseIterable {
        case local, device, gateway, isp, upstream, dns, unknown
    }

    public var kind: Kind
    public var start: Int64
    /// nil while the outage lasts.
    public var end: Int64?
    /// Until `end`, or until the newest event while open, in µs.
    public var duration: Int64
    public var cause: Cause
    public var culprits: [String]
    public var notes: [Projection.NoteRecord]

    /// `c-20260301T120005Z`, `d-20260301T120005.250000Z`: the start in UTC, stable across replays.
    public var id: String { Outage.id(kind: kind, start: start) }

    public static func id(kind: Kind, start: Int64) -> String {
        var bytes = Timestamp(microseconds: start).rfc3339Bytes()  // YYYY-MM-DDTHH:MM:SS.ffffffZ
        let fraction = String(decoding: bytes[20..<26], as: UTF8.self)
        bytes = Array(bytes[0..<19])
        let compact = String(decoding: bytes.filter { $0 != 0x2D && $0 != 0x3A }, as: UTF8.self)
        return (kind == .connectivity ? "c-" : "d-") + compact + (fraction == "000000" ? "" : "." + fraction) + "Z"
    }
}

extension Projection {
    /// Every outage, sorted by start (connectivity before DNS on equal starts).
    public func outages() -> [Outage] {
        let now = newestTime ?? 0
        let connectivity = layers[.internet]?.down.intervals ?? []
        var result: [Outage] = connectivity.map { interval in
            let end = interval.end ?? now
            let (cause, culprits) = diagnose(interval.start, end, now: now)
            return Outage(kind: .connectivity, start: interval.start, end: interval.end, duration: end - interval.start,
                          cause: cause, culprits: culprits, notes: [])
        }
        for interval in layers[.dns]?.down.intervals ?? [] {
            let end = interval.end ?? now
            // DNS fails with the internet: inside a connectivity outage it is part of that outage.
            let overlaps = connectivity.contains { c in
                let ce = c.end ?? now
                return interval.start < ce && end > c.start || (interval.start == c.start)
            }
            guard !overlaps else { continue }
            result.append(Outage(kind: .dns, start: interval.start, end: interval.end, duration: end - interval.start,
                                 cause: .dns, culprits: culprits(of: .dns, interval.start, end), notes: []))
        }
        result.sort { ($0.start, $0.kind == .connectivity ? 0 : 1) < ($1.start, $1.kind == .connectivity ? 0 : 1) }
        var byID: [String: Int] = [:]
        for (i, o) in result.enumerated() { byID[o.id] = i }
        for n in notes { if let i = byID[n.outage] { result[i].notes.append(n) } }
        return result
    }

    /// The cause rule of views.md for a connectivity outage [start, end).
    func diagnose(_ start: Int64, _ end: Int64, now: Int64) -> (Outage.Cause, [String]) {
        // Rule 0: every probe of the outage failed with no-route, none answered: this machine had no
        // network. Its culprits are the watched interfaces that were down (a pulled cable names its
        // interface); with none known, there are none.
        if noRoute.covers(start, end) { return (.local, culprits(of: .local, start, end)) }
        let duration = end - start
        for layer in [Layer.local, .device, .gateway, .isp] {
            guard let track = layers[layer], track.known.any(in: start, end) else { continue }
            if 2 * track.down.time(in: start, end, now: now) >= duration {
                return (Outage.Cause(rawValue: layer.rawValue)!, culprits(of: layer, start, end))
            }
        }
        if layers[.isp]?.known.any(in: start, end) == true { return (.upstream, []) }
        if layers[.gateway]?.known.any(in: start, end) == true { return (.isp, []) }
        return (.unknown, [])
    }

    /// Targets (interfaces, for `local`) of `layer` that were down during [start, end), by name.
    func culprits(of layer: Layer, _ start: Int64, _ end: Int64) -> [String] {
        if layer == .local {
            return interfaces.values.filter { $0.down.any(in: start, end) }.map(\.name).sorted()
        }
        return slots.filter { Layer($0.role) == layer && $0.down.any(in: start, end) }.map(\.name).sorted()
    }
}
