import ISPMonCore
public import ISPMonStore
public import Logging
public import ISPMonConfig

extension Monitor {
    /// How the monitor records through a full disk (a Pi's SD card fills with other
    /// programs' files and is freed again): its results are held in memory, about five
    /// minutes' worth, and written once space returns; what could not be held is recorded
    /// as unmonitored time (`monitor stopped` at the last result kept, `monitor started`
    /// when recording resumes), never as a quiet time. One log line when the disk fills,
    /// one a minute while it stays full, one when recording resumes.
    /// `clock` stamps the gap's events (the monitor's: ``Monitor/init(config:writer:interfaces:logger:prober:clock:)``).
    public static func diskFullPolicy(for config: MonitorConfig, store: String, logger: Logger,
                                      clock: any SystemClock = KernelClock()) -> DiskFullPolicy {
        DiskFullPolicy(maxHeldEvents: heldResults(for: config), gap: { lastKept in
            let now = clock.wall()
            let word: MonitorState.ClockSync = clock.isSynchronized() ? .synchronized : .unsynchronized
            return [Event(time: lastKept ?? now, body: .monitor(MonitorState(state: .stopped, version: ISPMonVersion.current))),
                    Event(time: now, body: .monitor(MonitorState(state: .started, version: ISPMonVersion.current, clock: word)))]
        }, report: { report in
            switch report {
            case let .filled(held, limit):
                logger.error("the disk holding \(store) is full: recording paused; results are held in memory (up to \(limit)) and written when space returns (\(held) waiting)")
            case let .stillFull(held, dropped, seconds):
                logger.error("the disk holding \(store) is still full after \(Monitor.spoken(seconds: seconds)): \(held) results held\(dropped > 0 ? ", \(dropped) dropped (recorded as unmonitored time)" : "")")
            case let .resumed(written, dropped, seconds):
                logger.notice("recording resumed after \(Monitor.spoken(seconds: seconds)) of full disk: \(written) held results written\(dropped > 0 ? ", \(dropped) dropped (recorded as unmonitored time)" : "")")
            case let .gaveUp(held, dropped, _):
                logger.error("the disk holding \(store) is still full at exit: \(held) held results\(dropped > 0 ? " (and \(dropped) dropped before them)" : "") and `monitor stopped` could not be written")
            }
        })
    }

    /// About five minutes of results of every target (at least 1000, at most 20 000: a
    /// held result costs about a kilobyte of memory).
    static func heldResults(for config: MonitorConfig) -> Int {
        let perFiveMinutes = config.targets.reduce(0) { $0 + Int(300_000_000 / max($1.interval, 1)) }
        return min(20_000, max(1_000, perFiveMinutes + 100))
    }

    static func spoken(seconds: Int) -> String {
        seconds < 120 ? "\(seconds) s" : "\(seconds / 60) min"
    }
}
