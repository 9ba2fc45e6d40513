public import ISPMonCore
public import ISPMonConfig

/// A notification the log made due (docs/notify.md), before it is put in words: what happened,
/// where in the log and when. The notifier derives these from the events it follows, the same
/// ones again after a restart, so they carry nothing but what the log says.
public struct DueNotification: Sendable, Hashable {
    public typealias Trigger = MonitorConfig.NotifyChannel.Trigger

    /// `OUTAGE_ID/outage`, `OUTAGE_ID/recovery`, `speedtest/SEQ`, `monitor/SEQ`, `report/2026-W09`.
    public var key: String
    public var trigger: Trigger
    /// The sequence number of the event (or the last of the commit) that made it due: a channel
    /// first seen after it is not told (adding a channel does not replay history).
    public var seq: UInt64
    /// When it happened: the outage's start or end, the speed test's or the monitor event's time.
    /// Its age for `max_age` and the spacing of outage notices for `min_interval` count from it.
    public var time: Timestamp
    /// outage, recovery: the outage's id.
    public var outage: String?
    /// slow_speed: how many slow or failed tests in a row.
    public var inARow: Int?
    /// monitor: the time the monitor was not watching (a start after an unclean stop), µs.
    public var unmonitored: Int64?
    /// monitor: the monitor stopped (else it started after an unclean stop).
    public var stopped: Bool
    /// report: the week or month that ended.
    public var report: ReportPeriod?

    /// A calendar week or month of the notifier's zone, as `ispmon report --week/--month` takes it.
    public struct ReportPeriod: Sendable, Hashable {
        public var cadence: MonitorConfig.NotifyChannel.Report
        /// `2026-W09`, `2026-03`.
        public var label: String
        public var start: Int64
        public var end: Int64

        public init(cadence: MonitorConfig.NotifyChannel.Report, label: String, start: Int64, end: Int64) {
            self.cadence = cadence
            self.label = label
            self.start = start
            self.end = end
        }
    }

    public init(key: String, trigger: Trigger, seq: UInt64, time: Timestamp, outage: String? = nil,
                inARow: Int? = nil, unmonitored: Int64? = nil, stopped: Bool = false, report: ReportPeriod? = nil) {
        self.key = key
        self.trigger = trigger
        self.seq = seq
        self.time = time
        self.outage = outage
        self.inARow = inARow
        self.unmonitored = unmonitored
        self.stopped = stopped
        self.report = report
    }

    public static func outageKey(_ id: String) -> String { id + "/outage" }
    public static func recoveryKey(_ id: String) -> String { id + "/recovery" }

    /// The start of the outage `id` names (`c-20260301T120005Z`, `d-20260301T120005.250000Z`).
    public static func start(ofOutage id: String) -> Timestamp? {
        guard EventJSON.isValidOutageID(id) else { return nil }
        let u = Array(id.utf8)
        func part(_ r: Range<Int>) -> String { String(decoding: u[r], as: UTF8.self) }
        let fraction = u.count == 25 ? part(17..<24) : ""
        let text = "\(part(2..<6))-\(part(6..<8))-\(part(8..<10))T\(part(11..<13)):\(part(13..<15)):\(part(15..<17))\(fraction)Z"
        var reason = ""
        return Timestamp.parse(rfc3339: text.utf8, reason: &reason)
    }
}
