import ISPMonCore
public import ISPMonControl
import ISPMonStore
import Synchronization

extension Monitor {
    /// A snapshot of what it is doing; cheap (a few locks), for at most a few looks a second.
    public func activity() -> MonitorActivity {
        var speed: MonitorActivity.SpeedTestPhase?
        if let p = running.withLock({ $0.speedTester })?.progress.withLock({ $0 }) {
            let elapsed = max(Monotonic.microseconds() - p.started, 1)
            speed = MonitorActivity.SpeedTestPhase(
                phase: p.upload ? "upload" : "download",
                mbps: (Double(p.bytes) * 8 / (Double(elapsed) / 1e6) / 1e6 * 10).rounded() / 10,
                progress: min(1, Double(elapsed) / Double(max(p.budget, 1))))
        }
        return MonitorActivity(probesInFlight: inFlight.withLock { $0.count }, speedTest: speed,
                               traceDestination: tracingTo.withLock { $0 }, lastCommit: writer.lastCommit)
    }
}
