public import ISPMonCore
import ISPMonConfig
public import ISPMonQuery

/// What in the log is a notification (docs/notify.md), event by event: outages that open and
/// close (the views' changes, one per outage of the site, never per target), runs of slow or
/// failed speed tests, and monitor starts after an unclean stop and stops. Pure: the same events
/// give the same notifications, which is what lets the notifier derive its outbox from the log
/// again after a restart.
public struct TriggerDetector: Sendable {
    /// The plan speed tests are measured against; nil: no `slow_speed` (without a plan nothing is slow).
    public var plan: ServicePlan?
    /// Slow or failed tests in the current run, counted up to `plan.slowAfter`.
    public private(set) var slowRun = 0
    /// The last `monitor` event's state (nil: none yet): a start that follows a start or a reload had no stop.
    public private(set) var lastMonitorState: MonitorState.State?
    /// The time of the last event seen (a notify event aside): where an unclean run ended.
    public private(set) var lastEventTime: Timestamp?
    /// The zone whose weeks and months end in reports (an email channel's `reports:`); nil: no
    /// channel asks for one. A week (month) has ended when the log's first event after it comes:
    /// the report is made from the log, so it waits for the log to have passed it.
    public var reportZone: CalendarPeriods.Zone?

    public init(plan: ServicePlan?) {
        self.plan = plan
    }

    /// Where the detector stands before the events it is then shown (at a restart: the state the
    /// log's events before the notifier's cursor left).
    public struct Seed: Sendable, Hashable {
        /// The last `slow_after` speed tests, oldest first: the run they end is the current one.
        public var speedTests: [Event]
        public var lastMonitorState: MonitorState.State?
        public var lastEventTime: Timestamp?
        public init(speedTests: [Event] = [], lastMonitorState: MonitorState.State? = nil, lastEventTime: Timestamp? = nil) {
            self.speedTests = speedTests
            self.lastMonitorState = lastMonitorState
            self.lastEventTime = lastEventTime
        }
    }

    public init(plan: ServicePlan?, seed: Seed) {
        self.plan = plan
        if let plan {
            for e in seed.speedTests {
                guard case .speedtest(let s) = e.body else { continue }
                slowRun = TriggerDetector.isSlowOrFailed(s, plan: plan) ? slowRun + 1 : 0
            }
        }
        lastMonitorState = seed.lastMonitorState
        lastEventTime = seed.lastEventTime
    }

    /// A speed test is slow (or failed) against the plan; nil: no plan.
    public static func isSlowOrFailed(_ s: SpeedTest, plan: ServicePlan) -> Bool {
        switch s.outcome {
        case .ok(let down, let up): plan.isSlow(downMbps: down, upMbps: up)
        case .failed: true
        }
    }

    /// The notifications one event makes due.
    public mutating func observe(_ event: Event, seq: UInt64) -> [DueNotification] {
        if case .notify = event.body { return [] }
        let reports = reportsEnded(before: event, seq: seq)
        return reports + triggers(event, seq: seq)
    }

    /// `report/2026-W09` and `report/2026-03` when `event` is the log's first after that week or month.
    func reportsEnded(before event: Event, seq: UInt64) -> [DueNotification] {
        guard let zone = reportZone, let last = lastEventTime, event.time > last else { return [] }
        return [(MonitorConfig.NotifyChannel.Report.weekly, CalendarPeriods.Unit.week), (.monthly, .month)].compactMap { cadence, unit in
            let ended = CalendarPeriods.start(of: unit, containing: last.microseconds, zone: zone)
            guard CalendarPeriods.start(of: unit, containing: event.time.microseconds, zone: zone) > ended,
                  let period = CalendarPeriods.periods(unit, from: ended, to: ended + 1, zone: zone).first else { return nil }
            return DueNotification(key: "report/" + period.label, trigger: .report, seq: seq, time: event.time,
                                   report: .init(cadence: cadence, label: period.label, start: period.start, end: period.end))
        }
    }

    mutating func triggers(_ event: Event, seq: UInt64) -> [DueNotification] {
        defer { lastEventTime = event.time }
        switch event.body {
        case .speedtest(let s):
            guard let plan else { return [] }
            guard TriggerDetector.isSlowOrFailed(s, plan: plan) else {
                slowRun = 0
                return []
            }
            slowRun += 1
            // Once per run: at the test that makes it `slow_after` long; the next needs a good test in between.
            guard slowRun == max(1, plan.slowAfter) else { return [] }
            return [DueNotification(key: "speedtest/\(seq)", trigger: .slowSpeed, seq: seq, time: event.time, inARow: slowRun)]
        case .monitor(let m):
            defer { lastMonitorState = m.state }
            switch m.state {
            case .started:
                // After an unclean stop: the last run had no `stopped` (a first start has nothing before it).
                guard let previous = lastMonitorState, previous != .stopped else { return [] }
                let unmonitored = lastEventTime.map { max(0, event.time.microseconds - $0.microseconds) }
                return [DueNotification(key: "monitor/\(seq)", trigger: .monitor, seq: seq, time: event.time, unmonitored: unmonitored)]
            case .stopped:
                return [DueNotification(key: "monitor/\(seq)", trigger: .monitor, seq: seq, time: event.time, stopped: true)]
            case .reloaded:
                return []
            }
        default:
            return []
        }
    }

    /// The notifications a commit's view changes make due: one per outage of the site, connectivity
    /// or DNS, that opened or closed (targets and layers changing state are not notified). `seq` is
    /// the commit's first event's (the outage opened at it or after), `times` its events' first and
    /// last times.
    public func observe(_ changes: [ViewChange], seq: UInt64, times: ClosedRange<Timestamp>) -> [DueNotification] {
        changes.compactMap { change in
            switch change {
            case .outageOpened(let id):
                DueNotification(key: DueNotification.outageKey(id), trigger: .outage, seq: seq,
                                time: DueNotification.start(ofOutage: id) ?? times.upperBound, outage: id)
            case .outageClosed(let id):
                DueNotification(key: DueNotification.recoveryKey(id), trigger: .recovery, seq: seq, time: times.upperBound, outage: id)
            case .target, .layer:
                nil
            }
        }
    }
}
