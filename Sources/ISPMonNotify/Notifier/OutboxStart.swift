public import ISPMonCore
public import ISPMonStore

/// Where the notifier starts reading the log, and what it knew there (docs/notify.md, "The log
/// as the outbox"). Kept in the store: the cursor `notify` (the log before it holds no pending
/// notification: it is the sequence number before the oldest one still pending, or the end of
/// what was read when none is) and the table `notify.channels` (each channel's name and where the
/// log ended when a monitor first ran with it: only what happens after that is the channel's).
public struct OutboxStart: Sendable {
    public static let cursor = "notify"
    public static let channelsTable = "notify.channels"

    /// Read the log from after this sequence number.
    public var after: UInt64
    /// Where the log ended at the start: the outbox is whole once it is read this far.
    public var logEnd: UInt64
    /// Each configured channel's `since`.
    public var since: [String: UInt64]
    public var detector: TriggerDetector.Seed
    /// Flap control's memory per channel: the start of the last outage notice, and the notices
    /// suppressed since the last message.
    public var flap: [String: (lastOutageNotice: Timestamp?, suppressed: Int)]

    /// Reads where to start for `channels`, records the channels seen for the first time (their
    /// `since` is the log's end now), and moves the cursor to the log's end when no channel was
    /// known before (a new notifier does not read history).
    ///
    /// `afresh`: channels that start at the log's end whether known or not (their `since` is
    /// recorded again): those of a notifier that a reload starts.
    public static func prepare(store: EventStore, channels: [String], slowAfter: Int?, afresh: Set<String> = []) throws -> OutboxStart {
        let logEnd = try store.lastSeq()
        let cursor = try store.cursor(OutboxStart.cursor)
        let known = try knownChannels(store).filter { !afresh.contains($0.key) }
        let begin = try start(store: store, channels: channels, known: known, logEnd: logEnd, cursor: cursor, slowAfter: slowAfter)
        let records = channels.filter { known[$0] == nil }.map { record($0, since: logEnd) }
        if !records.isEmpty || begin.after != cursor { try store.advance(OutboxStart.cursor, to: max(begin.after, cursor), records: records) }
        return begin
    }

    /// Where a notifier for `channels` would start now, without recording anything (for
    /// `ispmon notify status`, while a monitor runs or not): a channel not known yet has nothing due.
    public static func read(store: EventStore, channels: [String], slowAfter: Int?) throws -> OutboxStart {
        try start(store: store, channels: channels, known: try knownChannels(store), logEnd: try store.lastSeq(),
                  cursor: try store.cursor(OutboxStart.cursor), slowAfter: slowAfter)
    }

    /// Records `channels` as starting after `seq` (channels a reload added; docs/notify.md, "Reloads").
    public static func join(store: EventStore, channels: [String], at seq: UInt64) throws {
        guard !channels.isEmpty else { return }
        try store.advance(OutboxStart.cursor, to: try store.cursor(OutboxStart.cursor), records: channels.map { record($0, since: seq) })
    }

    static func knownChannels(_ store: EventStore) throws -> [String: UInt64] {
        var known: [String: UInt64] = [:]
        for (key, value) in try store.progress(OutboxStart.channelsTable) where value.count == 8 {
            known[String(decoding: key, as: UTF8.self)] = value.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
        return known
    }

    static func record(_ name: String, since: UInt64) -> EventStore.ProgressRecord {
        EventStore.ProgressRecord(table: OutboxStart.channelsTable, key: Array(name.utf8), value: withUnsafeBytes(of: since.bigEndian) { Array($0) })
    }

    static func start(store: EventStore, channels: [String], known: [String: UInt64], logEnd: UInt64, cursor: UInt64,
                      slowAfter: Int?) throws -> OutboxStart {
        var since: [String: UInt64] = [:]
        for name in channels { since[name] = known[name] ?? logEnd }
        let anyKnown = channels.contains { known[$0] != nil }
        let after = anyKnown ? min(cursor, logEnd) : logEnd
        return OutboxStart(after: after, logEnd: logEnd, since: since,
                           detector: try detectorSeed(store: store, through: after, slowAfter: slowAfter),
                           flap: try flapSeed(store: store, through: after))
    }

    /// The detector's state after the events through `seq`, from the event index: the last
    /// monitor event, the last event's time, the run of slow or failed speed tests that ends there.
    static func detectorSeed(store: EventStore, through seq: UInt64, slowAfter: Int?) throws -> TriggerDetector.Seed {
        guard seq > 0 else { return TriggerDetector.Seed() }
        var seed = TriggerDetector.Seed()
        seed.lastEventTime = try store.event(at: seq)?.time
        let monitors = try store.seqs(of: .monitor, from: 1, through: seq, descending: true, limit: 1)
        try store.events(at: monitors) { _, e in
            if case .monitor(let m) = e.body { seed.lastMonitorState = m.state }
            return false
        }
        // Only the run's length matters, and only up to slow_after; whether a test is slow is the
        // detector's to say, so it is shown the tests themselves (oldest first).
        if let slowAfter, slowAfter > 0 {
            let tests = try store.seqs(of: .speedtest, from: 1, through: seq, descending: true, limit: slowAfter)
            var list: [(UInt64, Event)] = []
            try store.events(at: tests.reversed()) { s, e in list.append((s, e)); return true }
            seed.speedTests = list.map(\.1)
        }
        return seed
    }

    /// How far back notify events are read for flap control's memory.
    static let flapLookBack = 1000

    /// Flap control's memory per channel from the notify events before `seq`.
    static func flapSeed(store: EventStore, through seq: UInt64) throws -> [String: (lastOutageNotice: Timestamp?, suppressed: Int)] {
        guard seq > 0 else { return [:] }
        var out: [String: (lastOutageNotice: Timestamp?, suppressed: Int)] = [:]
        var sawMessage: Set<String> = []
        let seqs = try store.seqs(of: .notify, from: 1, through: seq, descending: true, limit: flapLookBack)
        try store.events(at: seqs) { _, e in
            guard case .notify(let n) = e.body else { return true }
            var entry = out[n.channel] ?? (nil, 0)
            if n.error == "suppressed", !sawMessage.contains(n.channel) { entry.suppressed += 1 }
            if n.ok { sawMessage.insert(n.channel) }
            if entry.lastOutageNotice == nil, n.error != "suppressed", n.key.hasSuffix("/outage") {
                entry.lastOutageNotice = DueNotification.start(ofOutage: String(n.key.dropLast("/outage".count)))
            }
            out[n.channel] = entry
            return true
        }
        return out
    }
}
