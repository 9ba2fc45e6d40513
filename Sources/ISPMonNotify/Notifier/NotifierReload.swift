import ISPMonConfig
import ISPMonCore

extension Notifier {
    /// What a reload changed in the notifier, for the reload's log line.
    public struct ReloadSummary: Sendable, Equatable, CustomStringConvertible {
        public var added: [String] = []
        public var removed: [String] = []
        public var changed: [String] = []
        /// The heartbeat started, stopped or changed its interval.
        public var heartbeat: String?

        public var description: String {
            var parts: [String] = []
            if !added.isEmpty { parts.append("added \(added.joined(separator: ", "))") }
            if !removed.isEmpty { parts.append("removed \(removed.joined(separator: ", "))") }
            if !changed.isEmpty { parts.append("changed \(changed.joined(separator: ", "))") }
            if let heartbeat { parts.append("heartbeat \(heartbeat)") }
            return "notify: " + (parts.isEmpty ? "no channel changed" : parts.joined(separator: "; "))
        }
    }

    /// Applies a reloaded config's `notify:` and `heartbeat:` (SIGHUP; docs/notify.md, "Reloads"):
    /// `channels` are the new config's channels, made anew (their secret files read again).
    ///
    /// - A channel that stayed keeps what is pending for it and its thread; its next attempt uses
    ///   the new receiver, and its `on:`, `min_interval`, `max_age` and `reports:` apply at once.
    /// - A removed channel's thread ends (an attempt under way ends within its timeout); what was
    ///   pending for it is no longer tried.
    /// - An added channel starts from the log's position now: nothing that happened before is its
    ///   (also for a name that was there before and removed). The store's `notify.channels` table
    ///   records that position, so a restart agrees.
    /// - The heartbeat starts, stops, or changes its interval (its URL applies from its next ping).
    public func reload(settings new: Settings, channels: [any NotificationChannel], composer newComposer: MessageComposer,
                       pinger newPinger: (any HeartbeatPinger)?) throws -> ReloadSummary {
        let made = Dictionary(channels.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let configured = new.channels.filter { made[$0.name] != nil }
        var summary = ReloadSummary()
        condition.lock()
        guard running else {
            // Not started yet (a SIGHUP while the monitor starts): the start takes the new config.
            settings.channels = configured
            settings.plan = new.plan
            settings.heartbeatInterval = newPinger == nil ? nil : new.heartbeatInterval
            receivers = made
            composer = newComposer
            pinger = newPinger
            heartbeat = settings.heartbeatInterval.map(HeartbeatSchedule.init(interval:))
            detector.plan = new.plan
            condition.unlock()
            return summary
        }
        let oldByName = Dictionary(settings.channels.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newNames = Set(configured.map(\.name))
        summary.removed = settings.channels.map(\.name).filter { !newNames.contains($0) }
        // Everything read so far is before an added channel's time.
        let position = readThrough
        var added: [(name: String, worker: Int)] = []
        for c in configured {
            if let before = oldByName[c.name] {
                if before != c { summary.changed.append(c.name) }
                outbox.reconfigure(c)
            } else {
                summary.added.append(c.name)
                outbox.addChannel(Outbox.Channel(c, since: position))
                added.append((c.name, newWorker(channel: c.name)))
            }
        }
        for name in summary.removed {
            outbox.removeChannel(name)
            workers[name] = nil
        }
        let oldInterval = heartbeat?.interval
        let newInterval = newPinger == nil ? nil : new.heartbeatInterval
        var heartbeatThread: Int?
        if newInterval != oldInterval {
            if let newInterval {
                var schedule = HeartbeatSchedule(interval: newInterval)
                if let connectivity { schedule.connectivity(connectivity, at: clock.now()) }
                heartbeat = schedule
                heartbeatThread = newHeartbeatWorker()
                summary.heartbeat = oldInterval == nil ? "started" : "every \(Double(newInterval) / 1e6) s"
            } else {
                heartbeat = nil
                heartbeatWorker = 0
                summary.heartbeat = "stopped"
            }
        }
        var kept = settings
        kept.channels = configured
        kept.plan = new.plan
        kept.heartbeatInterval = newInterval
        settings = kept
        receivers = made
        composer = newComposer
        pinger = newPinger
        detector.plan = new.plan
        detector.reportZone = Notifier.reportZone(configured, newComposer)
        condition.broadcast()
        condition.unlock()

        for (name, worker) in added { startThread(name: "notify-\(name)") { [self] in work(channel: name, worker: worker) } }
        if let heartbeatThread { startThread(name: "notify-heartbeat") { [self] in beat(worker: heartbeatThread) } }
        if !added.isEmpty { try OutboxStart.join(store: store, channels: added.map(\.name), at: position) }
        return summary
    }
}
