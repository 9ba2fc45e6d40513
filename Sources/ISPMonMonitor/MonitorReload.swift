import Foundation
import ISPMonCore
import Synchronization

extension Monitor {
    /// What a reload changed, for the log line that reports it.
    public struct ReloadSummary: Sendable, Equatable, CustomStringConvertible {
        public var added: [String] = []
        public var removed: [String] = []
        public var changed: [String] = []
        public var jobs: [String] = []
        /// Whether the log records it as a restart (a target or interface removed).
        public var restarted = false
        /// Settings that only a restart applies.
        public var later: [String] = []

        public var description: String {
            var parts: [String] = []
            if !added.isEmpty { parts.append("added \(added.joined(separator: ", "))") }
            if !removed.isEmpty { parts.append("removed \(removed.joined(separator: ", "))") }
            if !changed.isEmpty { parts.append("changed \(changed.joined(separator: ", "))") }
            if !jobs.isEmpty { parts.append("jobs \(jobs.joined(separator: ", "))") }
            var text = "config reloaded: " + (parts.isEmpty ? "no target or job changed" : parts.joined(separator: "; "))
            if restarted { text += " (recorded as a restart: views.md forgets a removed target's state at a restart)" }
            if !later.isEmpty { text += "; \(later.joined(separator: " and ")) apply at the next start" }
            return text
        }
    }

    /// Applies a new config at once (SIGHUP): targets added, removed and changed, the
    /// links watched, the jobs whose entry changed, the speed test. Targets that stayed
    /// keep their place in the schedule. Throws, changing nothing, when the new config
    /// cannot run (ICMP sockets that cannot be opened).
    ///
    /// A removed target or interface would keep its last state in the views until the
    /// next `monitor stopped`, holding up its layer: so a reload that removes one is
    /// recorded as a restart (`monitor stopped` and `monitor started` at the same time),
    /// which is what views.md forgets states at.
    public func reload(_ new: MonitorConfig, interfaces newInterfaces: [String]) throws -> ReloadSummary {
        reloading.lock()
        defer { reloading.unlock() }
        guard !isStopping else { throw MonitorError("the monitor is stopping") }
        let old = running.withLock { $0 }
        try preparePinger(for: new)

        var summary = ReloadSummary()
        let oldByName = Dictionary(old.config.targets.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newNames = Set(new.targets.map(\.name))
        for t in new.targets {
            if let before = oldByName[t.name] {
                if before != t { summary.changed.append(t.name) }
            } else {
                summary.added.append(t.name)
            }
        }
        summary.removed = old.config.targets.map(\.name).filter { !newNames.contains($0) }
        let removedLinks = old.interfaces.filter { !newInterfaces.contains($0) }
        summary.restarted = !summary.removed.isEmpty || !removedLinks.isEmpty
        if new.downAfter != old.config.downAfter { summary.later.append("down_after") }
        if new.data != old.config.data { summary.later.append("data") }
        if new.web != old.config.web { summary.later.append("web") }

        if summary.restarted {
            let started = startedEvent(synchronized: clock.isSynchronized())
            try record([Event(time: started.time, body: .monitor(MonitorState(state: .stopped, version: ISPMonVersion.current))),
                        started])
        }
        // From here on, results of removed or changed targets are not recorded.
        running.withLock { r in
            r.config = new
            r.interfaces = newInterfaces
            r.generation += 1
            if summary.restarted { r.restarted = r.generation }
        }
        if summary.restarted { try recordJobsNotRunning() }
        // Jobs: only those whose entry in the file changed (`ispmon job` changes stand otherwise).
        for job in MonitorConfig.JobName.allCases where old.config.jobs[job] != new.jobs[job] {
            let state = new.jobs[job] ?? .run
            if jobs.withLock({ $0[job] }) != state {
                _ = setJob(job, state)
                summary.jobs.append("\(job.rawValue) \(state.rawValue)")
            }
        }
        names.retarget(new.targets)
        pool.raise(limit: Monitor.poolLimit(new))
        if old.config.speedTest != new.speedTest {
            // Out of sight of activity() first, then stopped (which waits for its thread).
            running.withLock { r in defer { r.speedTester = nil }; return r.speedTester }?.stop()
            startSpeedTests(new.speedTest)
        }
        startTracing(new)
        warnAboutAuto(new)
        wake.lock()
        wake.broadcast()  // the scheduler takes the new targets at once
        wake.unlock()
        return summary
    }
}
