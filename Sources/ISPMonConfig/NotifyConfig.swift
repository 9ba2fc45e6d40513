extension MonitorConfig {
    /// One channel of `notify:` (docs/notify.md): where notifications go and which ones. Secrets are
    /// never here, only the paths of the files that hold them (`*_file`).
    public struct NotifyChannel: Sendable, Equatable {
        /// What a channel can be told (`on:`).
        public enum Trigger: String, Sendable, CaseIterable {
            case outage, recovery
            case slowSpeed = "slow_speed"
            case monitor
            /// A week or month ended: an email channel whose `reports:` asks for it gets the report.
            /// Not an `on:` choice.
            case report

            /// What `on:` may name.
            public static let onChoices: [Trigger] = [.outage, .recovery, .slowSpeed, .monitor]
        }

        public enum Kind: String, Sendable, CaseIterable {
            case ntfy, webhook, email, sms, apprise, mqtt
        }

        /// The calendar reports an email channel attaches (`reports:`).
        public enum Report: String, Sendable, CaseIterable {
            case weekly, monthly
        }

        /// `[A-Za-z0-9._-]{1,64}`, unique among the channels: what `notify` events and commands name.
        public var name: String
        public var kind: Kind
        public var on: Set<Trigger> = [.outage, .recovery]
        /// At most one `outage` message per this many microseconds (flap control).
        public var minInterval: Int64 = 300_000_000
        /// A notification not delivered after this many microseconds expires.
        public var maxAge: Int64 = 86_400_000_000
        /// PEM CAs to trust instead of the system's.
        public var caFile: String?
        /// The receiver (every kind but email): http(s):// or, for mqtt, mqtt(s)://.
        public var url: String?
        /// webhook: the HMAC-SHA256 key of `X-Ispmon-Signature`.
        public var secretFile: String?
        /// email: `smtps://host[:port]` or `smtp://host[:port]` (STARTTLS).
        public var smtp: String?
        /// email, mqtt: the user name of AUTH / CONNECT.
        public var username: String?
        /// email, mqtt.
        public var passwordFile: String?
        /// email: the sender; sms: the sending number.
        public var from: String?
        /// email: the recipients; sms: the numbers (one or more).
        public var to: [String] = []
        /// email: the reports to attach.
        public var reports: Set<Report> = []
        /// sms: the account of basic auth.
        public var account: String?
        /// sms: the token of basic auth.
        public var tokenFile: String?
        /// apprise: the tag to notify.
        public var tag: String?
        /// mqtt.
        public var topicPrefix = "ispmon"
        public var discoveryPrefix = "homeassistant"

        public init(name: String, kind: Kind) {
            self.name = name
            self.kind = kind
        }
    }

    /// `heartbeat:`: a GET of `url` every `interval` while connectivity is up (docs/notify.md).
    public struct Heartbeat: Sendable, Equatable {
        public var url: HTTPURL
        /// Microseconds.
        public var interval: Int64 = 60_000_000
        public var caFile: String?

        public init(url: HTTPURL, interval: Int64 = 60_000_000) {
            self.url = url
            self.interval = interval
        }
    }
}
