import ISPMonConfig
import ISPMonCore
import ISPMonNotify
import ISPMonStore
import Logging

/// The notifier inside `ispmon run` (docs/notify.md): its `notify` events go through the
/// monitor's own writer (one writer per store, under the monitor's lock), so the notifier needs
/// nothing of the monitor's code.
enum NotifierWiring {
    /// The notifier for `settings`' channels; nil when there are none.
    static func notifier(settings: MonitorConfig, store: EventStore, writer: GroupCommitWriter, logger: Logger) -> Notifier? {
        let channels = self.channels(settings.notify, logger: logger)
        guard !channels.isEmpty else { return nil }
        let composer = MessageComposer(site: settings.siteName, publicURL: nil, plan: settings.plan, store: store)
        return Notifier(store: store, settings: Notifier.Settings(channels: settings.notify, plan: settings.plan),
                        channels: channels, composer: composer, sink: WriterSink(writer: writer), logger: logger)
    }

    /// The channels of the config's `notify:`, by kind. The kinds' implementations are built
    /// apart (Sources/ISPMonNotify/Channels); until one exists for a kind, its channels are
    /// named in a warning and not run.
    static func channels(_ config: [MonitorConfig.NotifyChannel], logger: Logger) -> [any NotificationChannel] {
        for c in config { logger.warning("notify: channel \(c.name): kind \(c.kind.rawValue) is not available in this build") }
        return []
    }

    /// Appends through the monitor's writer: queued for its next group commit.
    struct WriterSink: NotifyEventSink {
        let writer: GroupCommitWriter

        func append(_ events: [Event]) throws {
            try writer.submit(events[...])
        }
    }
}
