public import ISPMonCore
public import ISPMonConfig
public import ISPMonQuery
public import ISPMonStore

extension Notifier {
    /// The notifications due but never tried (docs/notify.md, `ispmon notify status`): pending for
    /// a channel without a single attempt yet, as the notifier itself derives them from the log
    /// (``OutboxStart/read(store:channels:slowAfter:)`` and ``derive(store:from:channels:plan:reportZone:)``:
    /// the same triggers, the same keys). Read-only: it works beside a running monitor, or without one.
    public static func neverTried(store: EventStore, channels: [MonitorConfig.NotifyChannel], plan: ServicePlan?) throws -> [NotifyStatus.Entry] {
        guard !channels.isEmpty else { return [] }
        let begin = try OutboxStart.read(store: store, channels: channels.map(\.name), slowAfter: plan?.slowAfter)
        let reports = channels.contains { $0.kind == .email && !$0.reports.isEmpty }
        let derived = try derive(store: store, from: begin, channels: channels, plan: plan, reportZone: reports ? .local : nil)
        return neverTried(derived.outbox)
    }

    /// The same, from this running notifier's outbox.
    public func neverTried() -> [NotifyStatus.Entry] {
        condition.lock()
        defer { condition.unlock() }
        return Notifier.neverTried(outbox)
    }

    /// The channels this notifier runs now (after the last reload).
    public var channels: [MonitorConfig.NotifyChannel] {
        condition.lock()
        defer { condition.unlock() }
        return settings.channels
    }

    static func neverTried(_ outbox: Outbox) -> [NotifyStatus.Entry] {
        outbox.channelNames.flatMap { name in
            outbox.pending(for: name).filter { $0.attempts == 0 }.map { p in
                NotifyStatus.Entry(key: p.due.key, channel: name, state: .pending, attempts: 0)
            }
        }
    }
}
