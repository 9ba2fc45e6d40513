public import ISPMonCore
public import ISPMonConfig

/// One thing to tell a channel (docs/notify.md), already in words: the notifier decides what and
/// when, a channel only how. The same notification goes to every channel whose `on:` names its
/// trigger; each kind takes the parts it can show.
public struct Notification: Sendable, Equatable {
    public typealias Trigger = MonitorConfig.NotifyChannel.Trigger

    /// What was notified, unique per notification: `OUTAGE_ID/outage`, `OUTAGE_ID/recovery`,
    /// `speedtest/SEQ`, `monitor/SEQ`, `test/…`. Every request carries it (`Idempotency-Key`, the
    /// email's `Message-ID`) so that a receiver can tell a repeat.
    public var key: String
    public var site: String
    /// nil: `ispmon notify test`.
    public var trigger: Trigger?
    /// The time of the event that caused it.
    public var time: Timestamp
    /// One line: "Internet down at home (cause: isp)".
    public var title: String
    /// The message in plain text, a few lines.
    public var text: String
    /// ntfy's priority: 1 (min) to 5 (max); outage 4, recovery 3.
    public var priority: Int
    /// ntfy's tags (emoji short names or words).
    public var tags: [String]
    /// The outage's or the speed test's page, when the web UI has a known address.
    public var link: String?
    /// The outage as one element of `ispmon outages --json` (outage, recovery), bytes of JSON.
    public var outageJSON: String?
    /// The speed test as one test of `ispmon speedtests --json` (slow_speed).
    public var speedtestJSON: String?
    /// Files an email attaches (the weekly or monthly report).
    public var attachments: [Attachment]
    /// The site's state after this notification, for channels that show state (mqtt).
    public var state: SiteState?

    public init(key: String, site: String, trigger: Trigger?, time: Timestamp, title: String, text: String,
                priority: Int = 3, tags: [String] = [], link: String? = nil, outageJSON: String? = nil,
                speedtestJSON: String? = nil, attachments: [Attachment] = [], state: SiteState? = nil) {
        self.key = key
        self.site = site
        self.trigger = trigger
        self.time = time
        self.title = title
        self.text = text
        self.priority = priority
        self.tags = tags
        self.link = link
        self.outageJSON = outageJSON
        self.speedtestJSON = speedtestJSON
        self.attachments = attachments
        self.state = state
    }

    public struct Attachment: Sendable, Equatable {
        public var filename: String
        public var contentType: String
        public var bytes: [UInt8]

        public init(filename: String, contentType: String, bytes: [UInt8]) {
            self.filename = filename
            self.contentType = contentType
            self.bytes = bytes
        }
    }
}

/// What a state channel (mqtt) publishes as retained topics: connectivity and DNS up or down,
/// the open or last outage and the last speed test, as JSON.
public struct SiteState: Sendable, Equatable {
    public var connectivityUp: Bool
    public var dnsUp: Bool
    /// The open outage, else the last one, as one element of `ispmon outages --json`; nil: none yet.
    public var outageJSON: String?
    /// The last speed test as one test of `ispmon speedtests --json`; nil: none yet.
    public var speedtestJSON: String?

    public init(connectivityUp: Bool, dnsUp: Bool, outageJSON: String? = nil, speedtestJSON: String? = nil) {
        self.connectivityUp = connectivityUp
        self.dnsUp = dnsUp
        self.outageJSON = outageJSON
        self.speedtestJSON = speedtestJSON
    }
}
