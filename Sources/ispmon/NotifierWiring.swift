import ArgumentParser
import ISPMonConfig
import ISPMonCore
import ISPMonNotify
import ISPMonStore
import Logging

/// The notifier inside `ispmon run` (docs/notify.md): its `notify` events go through the
/// monitor's own writer (one writer per store, under the monitor's lock), so the notifier needs
/// nothing of the monitor's code.
enum NotifierWiring {
    /// The notifier for `settings`' channels and heartbeat; nil when there are none. A channel that
    /// cannot be made (a secret file missing) is an error naming it, and nothing starts.
    static func notifier(settings: MonitorConfig, store: EventStore, writer: GroupCommitWriter, logger: Logger) throws -> Notifier? {
        guard !settings.notify.isEmpty || settings.heartbeat != nil else { return nil }
        let channels: [any NotificationChannel]
        do { channels = try ChannelFactory.make(settings.notify, site: settings.siteName, logger: logger) } catch {
            throw ValidationError("notify: \(error)")
        }
        var notifierSettings = Notifier.Settings(channels: settings.notify, plan: settings.plan)
        notifierSettings.heartbeatInterval = settings.heartbeat?.interval
        let composer = MessageComposer(site: settings.siteName, publicURL: nil, plan: settings.plan, store: store)
        return Notifier(store: store, settings: notifierSettings, channels: channels, composer: composer,
                        sink: WriterSink(writer: writer), pinger: settings.heartbeat.map(HeartbeatPing.init), logger: logger)
    }

    /// What sends the settings page's test messages, for `ispmon run` and `ispmon serve` alike:
    /// the code of `ispmon notify test`, over the config's channels.
    static func tester(settings: MonitorConfig, logger: Logger) -> ChannelTester {
        ChannelTester(channels: settings.notify, site: settings.siteName, origin: { "the Send test button of the settings page (channel \($0))" },
                      logger: logger)
    }

    /// Appends through the monitor's writer: queued for its next group commit.
    struct WriterSink: NotifyEventSink {
        let writer: GroupCommitWriter

        func append(_ events: [Event]) throws {
            try writer.submit(events[...])
        }
    }
}
