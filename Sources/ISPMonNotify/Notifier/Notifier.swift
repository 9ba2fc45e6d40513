import Foundation
public import ISPMonCore
public import ISPMonConfig
public import ISPMonStore
public import Logging
public import ISPMonQuery

/// The notifier inside `ispmon run` (docs/notify.md): it follows the log, derives what is due
/// (``TriggerDetector``), keeps the outbox (``Outbox``) and works it off with one thread per
/// channel, so that a hung receiver delays neither another channel nor any probe. Its every
/// attempt is a `notify` event, appended through a ``NotifyEventSink``.
///
/// The log is the outbox: at the start it reads the log from its cursor (``OutboxStart``) to the
/// log's end before it sends anything, so what a `kill -9` left pending is sent and nothing
/// already recorded is sent again. Only a crash between a receiver's answer and the commit of its
/// `notify` event sends a message twice, with the same key.
public final class Notifier: @unchecked Sendable {
    // @unchecked Sendable: `settings`, `receivers`, `composer`, `pinger`, `outbox`, `detector`, `heartbeat`,
    // `connectivity`, `workers`, `heartbeatWorker`, `started`, `running`, `stopping`, `threads`, `busy`, `readThrough`
    // and `readTime` are read and changed only with `condition` locked (a reload changes the first four); `follower` is
    // set once in `start` and then used by the follower's thread alone; the rest is immutable after init.

    public struct Settings: Sendable {
        public var channels: [MonitorConfig.NotifyChannel]
        public var plan: ServicePlan?
        /// The heartbeat's interval, µs; nil: no heartbeat.
        public var heartbeatInterval: Int64?
        /// How often the follower's thread wakes to see whether to stop, µs.
        public var poll: Int64 = 500_000
        /// How often at most the cursor is moved, µs.
        public var cursorEvery: Int64 = 5_000_000

        public init(channels: [MonitorConfig.NotifyChannel], plan: ServicePlan?) {
            self.channels = channels
            self.plan = plan
        }
    }

    let store: EventStore
    var settings: Settings
    var receivers: [String: any NotificationChannel]
    var composer: MessageComposer
    let sink: any NotifyEventSink
    /// ``Settings/poll`` and ``Settings/cursorEvery``, which a reload does not change.
    let poll: Int64
    let cursorEvery: Int64
    let clock: WallClock
    let logger: Logger
    let condition = MonotonicCondition()
    var outbox = Outbox(channels: [])
    var detector: TriggerDetector
    var stopping = false
    var threads: [Thread] = []
    var follower: LogFollower?
    /// Channel threads busy with an attempt.
    var busy = 0
    /// The last sequence number read into the outbox.
    var readThrough: UInt64 = 0
    /// The time of the last event read into the outbox.
    var readTime: Timestamp?

    var pinger: (any HeartbeatPinger)?
    var heartbeat: HeartbeatSchedule?
    /// The internet layer's state as last heard (a heartbeat a reload adds starts from it).
    var connectivity: Projection.Condition?
    /// Each channel's worker: the number its thread was started with. A thread whose number is no
    /// longer its channel's (the channel was removed, or removed and added again) ends.
    var workers: [String: Int] = [:]
    /// The heartbeat thread's number, likewise.
    var heartbeatWorker = 0
    /// The numbers handed out.
    var started = 0
    /// ``start(afresh:)`` has begun: a reload before it changes only the settings it will start with.
    var running = false

    public init(store: EventStore, settings: Settings, channels: [any NotificationChannel], composer: MessageComposer,
                sink: any NotifyEventSink, pinger: (any HeartbeatPinger)? = nil, clock: WallClock = .system, logger: Logger) {
        self.pinger = pinger
        heartbeat = pinger == nil ? nil : settings.heartbeatInterval.map(HeartbeatSchedule.init(interval:))
        self.store = store
        self.settings = settings
        poll = settings.poll
        cursorEvery = settings.cursorEvery
        receivers = Dictionary(channels.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.composer = composer
        self.sink = sink
        self.clock = clock
        self.logger = logger
        detector = TriggerDetector(plan: settings.plan)
        detector.reportZone = Notifier.reportZone(settings.channels, composer)
    }

    /// The zone of the reports, when a channel asks for any.
    static func reportZone(_ channels: [MonitorConfig.NotifyChannel], _ composer: MessageComposer) -> CalendarPeriods.Zone? {
        channels.contains { $0.kind == .email && !$0.reports.isEmpty } ? composer.reportZone : nil
    }

    /// Reads the outbox from the log (everything through the log's end now), then starts the
    /// threads. Call it before the monitor appends its `started` event, so that this run's start
    /// is the channels' own.
    ///
    /// `afresh`: every channel starts at the log's end, as if seen for the first time (a notifier
    /// that a reload starts: what happened before the reload is not its channels').
    public func start(afresh: Bool = false) throws {
        condition.lock()
        running = true
        let (settings, receivers, composer) = (self.settings, self.receivers, self.composer)
        condition.unlock()
        let configured = settings.channels.filter { receivers[$0.name] != nil }
        let begin = try OutboxStart.prepare(store: store, channels: configured.map(\.name), slowAfter: settings.plan?.slowAfter,
                                            afresh: afresh ? Set(configured.map(\.name)) : [])
        let derived = try Notifier.derive(store: store, from: begin, channels: configured, plan: settings.plan,
                                          reportZone: Notifier.reportZone(configured, composer))
        let now = try? Queries(store: store).status().connectivity
        condition.lock()
        outbox = derived.outbox
        detector = derived.detector
        follower = derived.follower
        readThrough = derived.follower.position
        // The heartbeat starts from what the views say now; the follower tells it of every change after.
        connectivity = now
        if let now { heartbeat?.connectivity(now, at: clock.now()) }
        let channelWorkers = configured.map { c in (c.name, newWorker(channel: c.name)) }
        let heartbeatNumber = heartbeat == nil ? nil : newHeartbeatWorker()
        condition.unlock()
        let pending = configured.map { "\($0.name) \(derived.outbox.pending(for: $0.name).count)" }.joined(separator: ", ")
        logger.info("notifier: \(configured.count) channels, read the log from \(begin.after) to \(begin.logEnd); pending: \(pending)")
        startThread(name: "notify-follow") { [self] in follow() }
        for (name, number) in channelWorkers { startThread(name: "notify-\(name)") { [self] in work(channel: name, worker: number) } }
        if let heartbeatNumber { startThread(name: "notify-heartbeat") { [self] in beat(worker: heartbeatNumber) } }
    }

    /// A new worker number for `channel`'s thread (with `condition` locked).
    func newWorker(channel: String) -> Int {
        started += 1
        workers[channel] = started
        return started
    }

    /// A new number for the heartbeat's thread (with `condition` locked).
    func newHeartbeatWorker() -> Int {
        started += 1
        heartbeatWorker = started
        return started
    }

    /// The outbox as the log says it is now: read from the notifier's cursor to the log's end
    /// (``OutboxStart``), with the follower that goes on from there.
    public static func derive(store: EventStore, channels: [MonitorConfig.NotifyChannel], plan: ServicePlan?,
                              reportZone: CalendarPeriods.Zone? = nil) throws
        -> (outbox: Outbox, detector: TriggerDetector, follower: LogFollower, start: OutboxStart)
    {
        let begin = try OutboxStart.prepare(store: store, channels: channels.map(\.name), slowAfter: plan?.slowAfter)
        let derived = try derive(store: store, from: begin, channels: channels, plan: plan, reportZone: reportZone)
        return (derived.outbox, derived.detector, derived.follower, begin)
    }

    /// The outbox from `begin` (``OutboxStart/prepare(store:channels:slowAfter:afresh:)``, or the
    /// read-only ``OutboxStart/read(store:channels:slowAfter:)``) to the log's end then.
    public static func derive(store: EventStore, from begin: OutboxStart, channels: [MonitorConfig.NotifyChannel], plan: ServicePlan?,
                              reportZone: CalendarPeriods.Zone? = nil) throws
        -> (outbox: Outbox, detector: TriggerDetector, follower: LogFollower)
    {
        var box = Outbox(channels: channels.map { Outbox.Channel($0, since: begin.since[$0.name] ?? begin.logEnd) })
        for (name, flap) in begin.flap { box.seed(channel: name, lastOutageNotice: flap.lastOutageNotice, suppressedSinceMessage: flap.suppressed) }
        var detector = TriggerDetector(plan: plan, seed: begin.detector)
        detector.reportZone = reportZone
        let follower = try LogFollower(store: store, after: begin.after, viewChanges: true)
        while follower.position < begin.logEnd, let batch = try follower.next(timeout: 0) {
            apply(batch, to: &box, detector: &detector)
        }
        return (box, detector, follower)
    }

    func startThread(name: String, _ body: @escaping @Sendable () -> Void) {
        let t = Thread(block: body)
        t.name = name
        condition.lock()
        threads.append(t)
        condition.unlock()
        t.start()
    }

    /// Gives the channels up to `grace` µs to send what is due now (the `monitor stopped` notice),
    /// then stops the threads; an attempt under way ends within its timeout.
    public func stop(grace: Int64 = 3_000_000) {
        let deadline = Monotonic.microseconds() + grace
        condition.lock()
        while Monotonic.microseconds() < deadline {
            // Wait for the follower to see the log's end, and for every channel to have nothing due now.
            let end = (try? store.lastSeq()) ?? 0
            let now = clock.now()
            let idle = busy == 0 && readThrough >= end
                && outbox.channelNames.allSatisfy { name in outbox.wake(for: name).map { $0 > now } ?? true }
            if idle { break }
            _ = condition.wait(microseconds: 100_000)
        }
        stopping = true
        condition.broadcast()
        let running = threads
        condition.unlock()
        for t in running { while !t.isFinished { usleep(10_000) } }
        moveCursor()
    }

    /// What is pending now, per channel (for the settings page of a running monitor and tests).
    public func pending() -> [String: [Outbox.Pending]] {
        condition.lock()
        defer { condition.unlock() }
        return Dictionary(uniqueKeysWithValues: outbox.channelNames.map { ($0, outbox.pending(for: $0)) })
    }

    // MARK: The follower's thread

    /// One batch of the log into the outbox: the outages its commit opened or closed first (they
    /// happened before any notify event of theirs), then its events in order.
    static func apply(_ batch: LogFollower.Batch, to outbox: inout Outbox, detector: inout TriggerDetector) {
        guard let first = batch.events.first?.time, let last = batch.events.last?.time else { return }
        let times = min(first, last)...max(first, last)
        for due in detector.observe(batch.changes, seq: batch.firstSeq, times: times) { outbox.add(due) }
        for (i, e) in batch.events.enumerated() {
            for due in detector.observe(e, seq: batch.firstSeq + UInt64(i)) { outbox.add(due) }
            if case .notify(let n) = e.body { outbox.record(n, at: e.time) }
        }
    }

    func follow() {
        var lastMove = Monotonic.microseconds()
        while true {
            condition.lock()
            let stop = stopping
            let follower = self.follower
            condition.unlock()
            guard !stop, let follower else { return }
            do {
                // The follower is this thread's alone once started.
                guard let batch = try follower.next(timeout: poll) else { continue }
                condition.lock()
                Notifier.apply(batch, to: &outbox, detector: &detector)
                readThrough = batch.lastSeq
                readTime = batch.events.last?.time
                for case .layer(.internet, let condition) in batch.changes {
                    connectivity = condition
                    heartbeat?.connectivity(condition, at: clock.now())
                }
                condition.broadcast()
                condition.unlock()
                if Monotonic.microseconds() - lastMove >= cursorEvery {
                    moveCursor()
                    lastMove = Monotonic.microseconds()
                }
            } catch {
                logger.error("notifier: cannot read the log: \(error)")
                condition.lock()
                _ = condition.wait(microseconds: 1_000_000)
                condition.unlock()
            }
        }
    }

    /// Moves the cursor to just before the oldest pending notification (or to what was read).
    func moveCursor() {
        condition.lock()
        let read = readThrough
        let target = outbox.oldestPendingSeq.map { min($0 - 1, read) } ?? read
        condition.unlock()
        do {
            if target > (try store.cursor(OutboxStart.cursor)) { try store.advance(OutboxStart.cursor, to: target) }
        } catch {
            logger.warning("notifier: cannot move its cursor: \(error)")
        }
    }

    // MARK: The heartbeat's thread

    func beat(worker: Int) {
        condition.lock()
        while !stopping, heartbeatWorker == worker, var schedule = heartbeat, let pinger {
            let now = clock.now()
            guard schedule.isDue(now: now) else {
                let wait = schedule.next.map { max(1000, $0.microseconds - now.microseconds) } ?? 1_000_000
                _ = condition.wait(microseconds: min(wait, 1_000_000))
                continue
            }
            schedule.pinged(at: now)
            heartbeat = schedule
            condition.unlock()
            do {
                let answer = try pinger.ping()
                logger.debug("heartbeat: \(answer)")
            } catch {
                logger.warning("heartbeat: \(error)")
            }
            condition.lock()
        }
        condition.unlock()
    }

    // MARK: A channel's thread

    /// How much newer than a retry's time the log must be before an outage notice is tried again.
    static let freshViews: Int64 = 1_000_000

    func work(channel name: String, worker: Int) {
        // The retries of outage notices already held for fresh views ("KEY#ATTEMPT").
        var heldForViews: Set<String> = []
        condition.lock()
        // The receiver and the words are taken anew for each attempt: a reload may have changed them.
        while !stopping, workers[name] == worker, let receiver = receivers[name] {
            let now = clock.now()
            guard let action = outbox.next(for: name, now: now) else {
                let wait = outbox.wake(for: name).map { max(1000, $0.microseconds - now.microseconds) } ?? 1_000_000
                _ = condition.wait(microseconds: min(wait, 1_000_000))
                continue
            }
            // A retry of an outage notice that fails for want of the internet may succeed the moment
            // it is back, before the probes have told the views: the recovery would then follow as
            // a second message. So a retry waits until the log is a second newer than its time (at
            // most 3 s): when the outage has ended by then, the recovery is pending and folds it in.
            if case .deliver(let due, let number, _, _) = action, due.trigger == .outage, number > 1,
               heldForViews.insert("\(due.key)#\(number)").inserted {
                if heldForViews.count > 1000 { heldForViews = ["\(due.key)#\(number)"] }
                outbox.release(due.key, channel: name)
                let deadline = Monotonic.microseconds() + 3_000_000
                while !stopping, (readTime?.microseconds ?? .min) < now.microseconds + Notifier.freshViews, Monotonic.microseconds() < deadline {
                    _ = condition.wait(microseconds: 200_000)
                }
                continue
            }
            busy += 1
            let composer = self.composer
            condition.unlock()
            let attempt = perform(action, on: receiver, composer: composer)
            condition.lock()
            busy -= 1
            if let attempt {
                outbox.record(attempt, at: clock.now())
            } else {
                outbox.release(action.due.key, channel: name)
                _ = condition.wait(microseconds: 1_000_000)  // the log takes nothing now: try later
            }
            condition.broadcast()
        }
        condition.unlock()
    }

    /// Does `action` and appends its notify event; nil when the event could not be appended.
    func perform(_ action: Outbox.Action, on receiver: any NotificationChannel, composer: MessageComposer) -> NotifyAttempt? {
        var attempt: NotifyAttempt
        if let record = action.record(channel: receiver.name) {
            attempt = record
        } else if case .deliver(let due, let number, let heldBack, let suppressed) = action {
            let message: Notification
            do {
                message = try composer.compose(due, heldBackOutage: heldBack, suppressed: suppressed)
            } catch {
                logger.warning("notifier: \(due.key) without the views' words: \(error)")
                message = Notification(key: due.key, site: composer.site, trigger: due.trigger, time: due.time,
                                       title: "\(due.key) at \(composer.site)", text: "\(due.key) at \(due.time).")
            }
            do {
                let answer = try receiver.deliver(message)
                attempt = NotifyAttempt(key: due.key, channel: receiver.name, attempt: number, error: nil, detail: Notifier.detail(answer))
            } catch {
                logger.notice("notifier: \(due.key) to \(receiver.name), attempt \(number): \(error)")
                attempt = NotifyAttempt(key: due.key, channel: receiver.name, attempt: number,
                                        error: EventJSON.isValidErrorCode(error.code) ? error.code : "failed", detail: Notifier.detail(error.detail))
            }
        } else {
            return nil
        }
        do {
            try sink.append([Event(time: clock.now(), body: .notify(attempt))])
        } catch {
            logger.error("notifier: cannot record \(attempt.key) to \(attempt.channel): \(error)")
            return nil
        }
        return attempt
    }

    /// A receiver's words as a `detail`: one line of plain text, at most 512 bytes; nil when empty.
    static func detail(_ text: String) -> String? {
        var line = String(text.map { $0.isNewline || ($0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false) ? " " : $0 })
        while line.utf8.count > EventJSON.maxDetailBytes { line.removeLast() }
        line = line.trimmingCharacters(in: .whitespaces)
        return line.isEmpty ? nil : line
    }
}
