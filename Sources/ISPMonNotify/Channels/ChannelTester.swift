public import ISPMonConfig
public import ISPMonControl
public import ISPMonCore
public import Logging

/// `ispmon notify test CHANNEL` and the settings page's "Send test" button, one code for both:
/// makes the named channel from the config as the notifier would (its secret files read now),
/// sends one test message through it and says what the receiver answered. Nothing is written to
/// the log. Each test makes the channel anew and lets it go: a test of an mqtt channel opens a
/// connection of its own (its own client id, so the notifier's connection stays) and closes it.
public struct ChannelTester: NotificationTester {
    public let channels: [MonitorConfig.NotifyChannel]
    public let site: String
    /// Where the test was asked for, in the message's words: "`ispmon notify test phone`".
    public let origin: @Sendable (String) -> String
    let clock: WallClock
    let logger: Logger

    public init(channels: [MonitorConfig.NotifyChannel], site: String, clock: WallClock = .system,
                origin: @escaping @Sendable (String) -> String, logger: Logger) {
        self.channels = channels
        self.site = site
        self.clock = clock
        self.origin = origin
        self.logger = logger
    }

    public func sendTest(channel name: String) -> NotificationTestOutcome {
        guard let chosen = channels.first(where: { $0.name == name }) else {
            return .unknownChannel(name, known: channels.map(\.name))
        }
        let mask = SecretMask(chosen)
        let made: any NotificationChannel
        do { made = try ChannelFactory.make(chosen, site: site, logger: logger, clientIDSuffix: "-test") } catch {
            return .notSetUp(channel: name, reason: mask.applied(to: error.description))
        }
        let now = clock.now()
        let test = Notification(
            key: "test/" + Self.compactTime(now), site: site, trigger: nil, time: now,
            title: "ispmon test message from \(site)",
            text: "A test message from ispmon at \(site), sent by \(origin(name)): this channel works.",
            priority: 3, tags: ["test"])
        do {
            let answer = try made.deliver(test)
            return .delivered(channel: name, key: test.key, answer: mask.applied(to: answer))
        } catch {
            return .notDelivered(channel: name, key: test.key, error: mask.applied(to: error.description))
        }
    }

    /// `20261207T074019Z`: the key's time, in the characters a key may have.
    public static func compactTime(_ t: Timestamp) -> String {
        String(t.description.prefix(19).filter { $0 != "-" && $0 != ":" }) + "Z"
    }
}
