import Foundation
import ISPMonCore
import Synchronization
public import ISPMonConfig

extension Monitor {
    /// What a reload changed, for the log line that reports it.
    public struct ReloadSummary: Sendable, Equatable, CustomStringConvertible {
        public var added: [String] = []
        public var removed: [String] = []
        public var changed: [String] = []
        public var jobs: [String] = []
        /// Interfaces no longer watched.
        public var removedInterfaces: [String] = []
        /// Settings that only a restart applies.
        public var later: [String] = []

        public var description: String {
            var parts: [String] = []
            if !added.isEmpty { parts.append("added \(added.joined(separator: ", "))") }
            if !removed.isEmpty { parts.append("removed \(removed.joined(separator: ", "))") }
            if !removedInterfaces.isEmpty { parts.append("no longer watching \(removedInterfaces.joined(separator: ", "))") }
            if !changed.isEmpty { parts.append("changed \(changed.joined(separator: ", "))") }
            if !jobs.isEmpty { parts.append("jobs \(jobs.joined(separator: ", "))") }
            var text = "config reloaded: " + (parts.isEmpty ? "no target or job changed" : parts.joined(separator: "; "))
            if !later.isEmpty { text += "; \(later.joined(separator: " and ")) apply at the next start" }
            return text
        }
    }

    /// Applies a new config at once (SIGHUP): targets added, removed and changed, the
    /// links watched, the jobs whose entry changed, the speed test. Targets that stayed
    /// keep their place in the schedule. Throws, changing nothing, when the new config
    /// cannot run (ICMP sockets that cannot be opened).
    ///
    /// Recorded as `monitor reloaded` with the removed targets and interfaces: they leave
    /// their layers, and the run goes on (an outage under way is not split in two).
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
        summary.removedInterfaces = old.interfaces.filter { !newInterfaces.contains($0) }
        if new.downAfter != old.config.downAfter { summary.later.append("down_after") }
        if new.data != old.config.data { summary.later.append("data") }
        if new.web != old.config.web { summary.later.append("web") }

        // From the event on, results of removed or changed targets are not recorded: a probe
        // of one still in flight records its result before the event or not at all.
        try resultsOfTargets.withLock {
            try record(Event(time: now(), body: .monitor(MonitorState(
                state: .reloaded, version: ISPMonVersion.current, removed: summary.removed + summary.removedInterfaces))))
            running.withLock { r in
                r.config = new
                r.interfaces = newInterfaces
                r.generation += 1
            }
        }
        // Jobs: only those whose entry in the file changed (`ispmon job` changes stand otherwise).
        for job in JobName.allCases where old.config.jobs[job] != new.jobs[job] {
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
