/// What the store held, before a clock stretch opened, under each view record
/// key written while it was open: putting these back undoes the stretch's
/// provisional records, so that its events can be applied again at their
/// effective times (docs/views.md, "Event time").
///
/// The store fills it in as it writes; the projection keeps it with its open
/// stretch, so that it lives and dies with the checkpoint it belongs to (a write
/// transaction run again starts from the same projection, and so the same log).
public struct ViewUndoLog: Sendable, Hashable {
    /// A record key in one of the store's two view databases (the small one for
    /// records rewritten by nearly every commit, or the other).
    public struct Key: Hashable, Sendable {
        public var hot: Bool
        public var key: [UInt8]
        public init(hot: Bool, key: [UInt8]) {
            self.hot = hot
            self.key = key
        }
    }

    /// What a key held before the stretch.
    public enum Prior: Hashable, Sendable {
        case absent
        case value([UInt8])
    }

    public private(set) var priors: [Key: Prior] = [:]

    public init() {}

    public var isEmpty: Bool { priors.isEmpty }

    /// What `key` held before the stretch; nil when it was not written since.
    public func prior(_ key: Key) -> Prior? { priors[key] }

    /// Notes what `key` holds before its first write in the stretch (later writes keep the first).
    public mutating func noteFirstWrite(_ key: Key, holding prior: () throws -> Prior) rethrows {
        guard priors[key] == nil else { return }
        priors[key] = try prior()
    }

    /// This log followed by `later` (a stretch after it): for a key in both, this one's prior is the older.
    public func followed(by later: ViewUndoLog) -> ViewUndoLog {
        var merged = self
        merged.priors.merge(later.priors) { older, _ in older }
        return merged
    }
}
