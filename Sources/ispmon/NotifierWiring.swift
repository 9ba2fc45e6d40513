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
    /// What a config makes of the notifier: its settings, its channels (their secret files read)
    /// and the words of its messages.
    struct Parts {
        var settings: Notifier.Settings
        var channels: [any NotificationChannel]
        var composer: MessageComposer
        var pinger: (any HeartbeatPinger)?
        /// Whether the config asks for any notification at all.
        var wanted: Bool
    }

    /// A channel that cannot be made (a secret file missing) is an error naming it.
    static func parts(_ settings: MonitorConfig, store: EventStore, logger: Logger) throws -> Parts {
        let channels: [any NotificationChannel]
        do { channels = try ChannelFactory.make(settings.notify, site: settings.siteName, logger: logger) } catch {
            throw ValidationError("notify: \(error)")
        }
        var notifierSettings = Notifier.Settings(channels: settings.notify, plan: settings.plan)
        notifierSettings.heartbeatInterval = settings.heartbeat?.interval
        return Parts(settings: notifierSettings, channels: channels,
                     composer: MessageComposer(site: settings.siteName, publicURL: nil, plan: settings.plan, store: store),
                     pinger: settings.heartbeat.map(HeartbeatPing.init), wanted: !settings.notify.isEmpty || settings.heartbeat != nil)
    }

    /// The notifier for `settings`' channels and heartbeat; nil when there are none. A channel that
    /// cannot be made (a secret file missing) is an error naming it, and nothing starts.
    static func notifier(settings: MonitorConfig, store: EventStore, writer: GroupCommitWriter, logger: Logger) throws -> Notifier? {
        let parts = try parts(settings, store: store, logger: logger)
        guard parts.wanted else { return nil }
        return notifier(parts, store: store, writer: writer, logger: logger)
    }

    static func notifier(_ parts: Parts, store: EventStore, writer: GroupCommitWriter, logger: Logger) -> Notifier {
        Notifier(store: store, settings: parts.settings, channels: parts.channels, composer: parts.composer,
                 sink: WriterSink(writer: writer), pinger: parts.pinger, logger: logger)
    }

    /// A reload's `notify:` and `heartbeat:` (the parts already made: the reload was not refused):
    /// applied to the running notifier, or a notifier started now when the monitor ran without one.
    /// The line for the reload's log line.
    static func reload(_ parts: Parts, running: Notifier?, store: EventStore, writer: GroupCommitWriter,
                       logger: Logger) throws -> (notifier: Notifier?, summary: String) {
        if let running {
            let summary = try running.reload(settings: parts.settings, channels: parts.channels, composer: parts.composer, pinger: parts.pinger)
            return (running, summary.description)
        }
        guard parts.wanted else { return (nil, "") }
        let notifier = notifier(parts, store: store, writer: writer, logger: logger)
        // What happened before the reload is not the new channels' (docs/notify.md, "Reloads").
        try notifier.start(afresh: true)
        let what = parts.channels.map(\.name) + (parts.pinger == nil ? [] : ["the heartbeat"])
        return (notifier, "notify: started \(what.joined(separator: ", "))")
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
