#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Dispatch
import Foundation
public import ISPMonCore
public import ISPMonStore
public import Logging
import Synchronization
public import ISPMonConfig
import ISPMonControl

/// The monitor: probes every target on its own schedule, watches the links,
/// and turns each result into an event for the store's group-commit writer.
///
/// A scheduler thread starts probes when they are due (each target's interval
/// plus a little jitter); probes run on a bounded pool of threads and never
/// wait for one another; a failure, a timeout or an unexpected error in one
/// probe becomes an event or a log line, never a stopped monitor.
public final class Monitor: @unchecked Sendable {
    // @unchecked: `stopping` is guarded by `wake`, `traceRequested` by `traceWake`,
    // `nextTrace` belongs to the trace thread; `control` is set by listen() and read again
    // only by stop(), both on the thread that runs the monitor; `tracing` is read and
    // changed only by start(), reload() and stop(), each holding `reloading`; everything
    // else is a Mutex or immutable.
    /// What a reload changes, read by the threads as they go.
    struct Running: Sendable {
        var config: MonitorConfig
        var interfaces: [String]
        /// The speed tests' thread, when the config has them: a reload replaces it while
        /// the web server's live view reads its progress (``activity()``).
        var speedTester: SpeedTester?
        /// Bumped by each reload; the scheduler rebuilds its schedule when it changes.
        var generation = 0
    }
    let running: Mutex<Running>
    public var config: MonitorConfig { running.withLock { $0.config } }
    public var interfaces: [String] { running.withLock { $0.interfaces } }
    let reloading = NSLock()
    /// Held while a probe's result is checked against the targets and recorded, and while
    /// a reload records itself and changes the targets.
    let resultsOfTargets = NSLock()
    let writer: GroupCommitWriter
    let logger: Logger
    let pingerBox: Mutex<ICMPPinger?>
    var pinger: ICMPPinger? { pingerBox.withLock { $0 } }
    /// Runs the probes: at most this many in flight.
    let pool: ProbePool
    /// Events are accepted until `monitor stopped` is written: nothing may follow it.
    let accepting = RecordingGate()
    let wake = MonotonicCondition()
    var stopping = false
    let schedulerDone = DispatchSemaphore(value: 0)
    let inFlight = Mutex<Set<String>>([])
    /// Each job's state: from the config, then from `ispmon job` at run time.
    let jobs: Mutex<[JobName: JobState.State]>
    var control: ControlServer?
    /// The ISP's first hop found by path discovery (probed for `host: auto` targets).
    let ispHop = Mutex<String?>(nil)
    /// Set when the trace should run again (the gateway changed).
    let traceWake = MonotonicCondition()
    var traceRequested = true
    let traceDone = DispatchSemaphore(value: 0)
    /// The destination of the path discovery under way (for ``activity()``).
    let tracingTo = Mutex<String?>(nil)
    var tracing = false
    /// The targets' host names, resolved apart from the probes (Names/NameCache.swift).
    let names: NameCache

    /// Runs one probe of a target. The real probes by default; tests hand in fakes
    /// to check the scheduling (the real probes are tested for real).
    public typealias Prober = @Sendable (MonitorConfig.Target) -> ProbeResult
    let prober: Prober?
    /// What events are stamped with and watched for steps: the kernel's clocks, or a test's.
    let clock: any SystemClock

    public init(config: MonitorConfig, writer: GroupCommitWriter, interfaces: [String], logger: Logger,
                prober: Prober? = nil, clock: any SystemClock = KernelClock()) throws {
        self.prober = prober
        self.clock = clock
        running = Mutex(Running(config: config, interfaces: interfaces))
        self.writer = writer
        self.logger = logger
        pool = ProbePool(limit: Monitor.poolLimit(config))
        var states: [JobName: JobState.State] = [:]
        for job in JobName.allCases { states[job] = config.jobs[job] ?? .run }
        jobs = Mutex(states)
        names = NameCache(targets: config.targets, options: .from(environment: ProcessInfo.processInfo.environment), logger: logger)
        pingerBox = Mutex(nil)
        try preparePinger(for: config)
        warnAboutAuto(config)
    }

    static func poolLimit(_ config: MonitorConfig) -> Int { max(4, min(64, config.targets.count * 2)) }

    /// Opens the ICMP sockets when `config` has icmp targets and they are not open yet.
    func preparePinger(for config: MonitorConfig) throws {
        guard prober == nil, pinger == nil, config.targets.contains(where: { $0.method == .icmp }) else { return }
        let opened = try ICMPPinger()
        pingerBox.withLock { $0 = opened }
        logger.info("icmp through \(opened.kind.rawValue) sockets")
    }

    func warnAboutAuto(_ config: MonitorConfig) {
        for t in config.targets {
            if t.address == .auto && (config.jobs[.trace] ?? .run) != .run {
                // Probing nothing is better than recording failures that would blame the ISP.
                logger.warning("target \(t.name): host auto needs the trace job, which is not running: not probed")
            }
        }
    }

    /// Writes `monitor started` and the links' states, then starts probing.
    public func start() throws {
        reloading.lock()
        defer { reloading.unlock() }
        let config = self.config
        let synchronized = clock.isSynchronized()
        try record(startedEvent(synchronized: synchronized))
        try recordJobsNotRunning()
        names.start()
        let thread = Thread { [self] in schedule(clockSynchronized: synchronized) }
        thread.name = "ispmon.scheduler"
        thread.start()
        startTracing(config)
        startSpeedTests(config.speedTest)
    }

    /// Records each job that is not `run`, as a start says what holds from then on.
    func recordJobsNotRunning() throws {
        let states = jobs.withLock { $0 }
        for (job, state) in states.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where state != .run {
            try record(Event(time: now(), body: .job(JobState(job: job.rawValue, state: state))))
        }
    }

    /// `monitor started`, with the kernel's word on the clock.
    func startedEvent(synchronized: Bool) -> Event {
        Event(time: now(), body: .monitor(MonitorState(
            state: .started, version: ISPMonVersion.current, clock: synchronized ? .synchronized : .unsynchronized)))
    }

    /// Starts path discovery when `config` has `host: auto` targets (once: it then runs until stop).
    func startTracing(_ config: MonitorConfig) {
        guard !tracing, config.targets.contains(where: { $0.address == .auto }) else { return }
        tracing = true
        let tracer = Thread { [self] in traceLoop() }
        tracer.name = "ispmon.trace"
        tracer.start()
    }

    func startSpeedTests(_ settings: MonitorConfig.SpeedTest?) {
        guard let s = settings, s.enabled else { return }
        // The first test a minute in (ISPMON_SPEEDTEST_DELAY in seconds overrides, for tests and demos).
        let delay = ProcessInfo.processInfo.environment["ISPMON_SPEEDTEST_DELAY"].flatMap(Double.init).map { Int64($0 * 1e6) }
        let tester = SpeedTester(s, firstDelay: delay ?? 60_000_000, now: { [clock] in clock.wall() }, isRunning: { [self] in
            jobs.withLock { $0[.speedtest] ?? .run } == .run
        }) { [self] event in
            do { try record(event) } catch { logger.error("could not record a speed test: \(error)") }
        }
        running.withLock { $0.speedTester = tester }
        tester.start()
    }

    /// Answers `ispmon job` requests through `control.sock` in `directory`.
    public func listen(directory: String) throws {
        control = try ControlServer(directory: directory) { [self] request in handle(request) }
    }

    /// `job NAME run|paused|disabled`: changes the job and records a `job` event; `job NAME`:
    /// says its state.
    func handle(_ request: ControlRequest) -> ControlAnswer {
        guard let state = request.state else {
            return .state(request.job, jobs.withLock { $0[request.job] } ?? .run)
        }
        return setJob(request.job, state)
    }

    /// Changes a job and records a `job` event; says what happened, for the requester.
    func setJob(_ job: JobName, _ state: JobState.State) -> ControlAnswer {
        let old = jobs.withLock { j in defer { j[job] = state }; return j[job] }
        guard old != state else { return .unchanged(job, state) }
        do { try record(Event(time: now(), body: .job(JobState(job: job.rawValue, state: state)))) } catch {
            return .refused("\(error)")
        }
        logger.info("job \(job.rawValue): \(state.rawValue)")
        wake.lock()
        wake.broadcast()  // the scheduler picks it up at once
        wake.unlock()
        traceWake.lock()
        if job == .trace && state == .run { traceRequested = true }
        traceWake.broadcast()
        traceWake.unlock()
        return .state(job, state)
    }

    /// Stops probing and writes `monitor stopped`; returns once it is durable.
    /// Probes still in flight are abandoned (their results would follow `stopped`).
    public func stop() throws {
        wake.lock()
        stopping = true
        wake.broadcast()
        wake.unlock()
        schedulerDone.wait()
        names.stop()
        control?.stop()
        reloading.lock()  // no reload under way, and none after
        running.withLock { $0.speedTester }?.stop()
        if tracing {
            traceWake.lock()
            traceWake.broadcast()
            traceWake.unlock()
            traceDone.wait()
        }
        defer {
            pool.stop()
            pinger?.stop()
            reloading.unlock()
        }
        // After a full disk that dropped results, the run ends where recording did.
        try accepting.close {
            try writer.submitLast { [self] lastKept in
                Event(time: lastKept ?? now(), body: .monitor(MonitorState(state: .stopped, version: ISPMonVersion.current)))
            }
        }
        do { try writer.flush() } catch {
            writer.close()  // its last attempt, and the line saying what was lost
            throw error
        }
    }

    /// Hands an event to the writer, unless the monitor has stopped.
    func record(_ event: Event) throws {
        try accepting.pass { try writer.submit([event][...]) }
    }

    /// Hands events to the writer in one submission (they stay together in the log).
    func record(_ events: [Event]) throws {
        try accepting.pass { try writer.submit(events[...]) }
    }

    /// The wall-clock time, to the microsecond: what every event is stamped with.
    func now() -> Timestamp { clock.wall() }

    // MARK: The scheduler thread

    /// `clockSynchronized`: the clock's state as `monitor started` recorded it.
    func schedule(clockSynchronized: Bool) {
        defer { schedulerDone.signal() }
        var watcher = ClockWatcher(clock, synchronized: clockSynchronized)
        let start = Monotonic.microseconds()
        var current = running.withLock { $0 }
        var targets = current.config.targets
        var schedule = ProbeSchedule(intervals: targets.map(\.interval), start: start)
        var links: [String: Bool] = [:]
        var nextLinkCheck = start
        var resumed = 0
        while true {
            let now = Monotonic.microseconds()
            let latest = running.withLock { $0 }
            if latest.generation != current.generation {
                // A reload: targets that stayed keep their place in the schedule.
                let old = Dictionary(targets.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
                let new = latest.config.targets
                schedule = ProbeSchedule(intervals: new.map(\.interval), start: now, carrying: schedule,
                                         from: new.map { t in old[t.name].flatMap { targets[$0] == t ? $0 : nil } })
                targets = new
                links = links.filter { latest.interfaces.contains($0.key) }
                nextLinkCheck = now
                current = latest
            }
            if writer.resumedAfterFullDisk != resumed {
                resumed = writer.resumedAfterFullDisk
                links = [:]  // after the gap of a full disk, nothing is known: record them again
                nextLinkCheck = now
            }
            if now >= nextLinkCheck {
                checkLinks(current.interfaces, &links)
                watchClock(&watcher)
                nextLinkCheck = now + 1_000_000
            }
            let probesJob = jobs.withLock { $0[.probes] ?? .run }
            if probesJob == .run {
                for i in schedule.take(at: now, eligible: { mayProbe(targets[$0]) }) {
                    launch(targets[i])
                }
            }
            let nextDue = probesJob == .run ? (schedule.next(eligible: { mayProbe(targets[$0]) }) ?? nextLinkCheck) : nextLinkCheck
            let until = min(nextDue, nextLinkCheck)
            wake.lock()
            if stopping {
                wake.unlock()
                return
            }
            let wait = until - Monotonic.microseconds()
            if wait > 0 { wake.wait(microseconds: wait) }
            let stop = stopping
            wake.unlock()
            if stop { return }
        }
    }

    /// Path discovery at start, every hour, and whenever the gateway changes.
    func traceLoop() {
        defer { traceDone.signal() }
        var lastGateway = LinkState.defaultRoute()?.gateway
        while true {
            traceWake.lock()
            while (!traceRequested || jobs.withLock({ $0[.trace] ?? .run }) != .run) && !isStopping {
                traceWake.wait(microseconds: 1_000_000)
                let gateway = LinkState.defaultRoute()?.gateway
                if gateway != lastGateway {
                    logger.info("the gateway changed (\(lastGateway ?? "none") → \(gateway ?? "none")): path discovery again")
                    lastGateway = gateway
                    traceRequested = true
                }
                if Monotonic.microseconds() >= nextTrace { traceRequested = true }
            }
            traceRequested = false
            let stop = isStopping
            traceWake.unlock()
            if stop { return }
            nextTrace = Monotonic.microseconds() + 3_600_000_000
            let destination = Monitor.traceDestination(config)
            do {
                let time = now()
                tracingTo.withLock { $0 = destination }
                defer { tracingTo.withLock { $0 = nil } }
                let hops = try PathTracer.trace(to: destination)
                try record(Event(time: time, body: .trace(Trace(destination: destination, hops: hops))))
                let hop = PathTracer.ispHop(hops, gateway: lastGateway, destination: destination)
                if hop != ispHop.withLock({ $0 }) { logger.info("the ISP's first hop: \(hop ?? "not found")") }
                ispHop.withLock { $0 = hop }
            } catch {
                logger.warning("\(error): host auto targets are not probed")
                return
            }
        }
    }

    /// The first internet icmp target's host (the config may change between traces).
    static func traceDestination(_ config: MonitorConfig) -> String {
        config.targets.first { t in
            if t.role == .internet, t.method == .icmp, case .host = t.address { true } else { false }
        }.flatMap { t -> String? in if case .host(let h, _) = t.address { h } else { nil } } ?? "1.1.1.1"
    }

    var nextTrace: Int64 = 0
    var isStopping: Bool {
        wake.lock()
        defer { wake.unlock() }
        return stopping
    }

    func checkLinks(_ interfaces: [String], _ links: inout [String: Bool]) {
        for name in interfaces {
            let up = LinkState.isUp(name)
            guard links[name] != up else { continue }
            links[name] = up
            logger.info("link \(name) is \(up ? "up" : "down")")
            do { try record(Event(time: now(), body: .link(Link(interface: name, up: up)))) } catch {
                logger.error("could not record the state of \(name): \(error)")
            }
        }
    }

    /// Records a step of the system clock (or its turning synchronized without one).
    func watchClock(_ watcher: inout ClockWatcher) {
        guard let step = watcher.look(at: clock) else { return }
        let seconds = Double(step.step) / 1e6
        logger.info("the system clock \(step.step == 0 ? "is" : "was stepped by \(seconds) s and is") \(step.synchronized ? "" : "not ")synchronized")
        do { try record(Event(time: now(), body: .clock(step))) } catch {
            logger.error("could not record a step of the clock: \(error)")
        }
    }

    /// Starts one probe of `target` on the pool, unless its previous one is still running.
    func launch(_ target: MonitorConfig.Target) {
        guard inFlight.withLock({ $0.insert(target.name).inserted }) else {
            logger.debug("\(target.name): previous probe still running, skipped")
            return
        }
        pool.run { [self] in
            defer { _ = inFlight.withLock { $0.remove(target.name) } }
            let time = now()
            let result = prober?(target) ?? probe(target)
            let outcome: Probe.Outcome
            var detail: String?
            switch result {
            case let .ok(rtt, d):
                outcome = .ok(rtt: min(max(rtt, 0), EventJSON.maxRTTMicroseconds - 1))
                detail = d
            case let .failed(error, d):
                outcome = .failed(error: EventJSON.isValidErrorCode(error) ? error : "error")
                detail = d
                logger.debug("\(target.name): \(error)\(d.map { " (\($0))" } ?? "")")
            }
            if let d = detail { detail = Monitor.bounded(d, maxBytes: 512) }
            let event = Event(time: time, body: .probe(Probe(target: target.name, role: target.role, method: target.method,
                                                            outcome: outcome, detail: detail)))
            resultsOfTargets.withLock {
                // A reload removed or changed the target while it was probed: its result is not the new target's.
                guard running.withLock({ $0.config.targets.contains(target) }) else { return }
                do { try record(event) } catch {
                    logger.error("could not record a probe of \(target.name): \(error)")
                }
            }
        }
    }

    /// `text` cut to at most `maxBytes` bytes of UTF-8, ending in "..." when cut, never
    /// in the middle of a character (a cut character would be decoded as 3 bytes).
    static func bounded(_ text: String, maxBytes: Int) -> String {
        guard text.utf8.count > maxBytes else { return text }
        var kept = ""
        var bytes = 0
        for c in text.unicodeScalars {
            let n = String(c).utf8.count
            if bytes + n > maxBytes - 3 { break }
            kept.unicodeScalars.append(c)
            bytes += n
        }
        return kept + "..."
    }

    /// Runs one probe; every way it can fail is a result.
    func probe(_ t: MonitorConfig.Target) -> ProbeResult {
        switch (t.method, t.address) {
        case (.icmp, .host(let host, _)):
            guard let pinger else { return .failed(error: "icmp-unavailable", detail: nil) }
            return probeThroughName(host, port: nil) { pinger.ping($0, timeout: t.timeout) }
        case (.icmp, .auto):
            guard let pinger, let hop = ispHop.withLock({ $0 }) else { return .failed(error: "no-route", detail: "ISP hop unknown") }
            return pinger.ping(hop, timeout: t.timeout)
        case (.tcp, .host(let host, let port)):
            return probeThroughName(host, port: port ?? 0) { TCPProbe.run(address: $0, timeout: t.timeout) }
        case (.dns, .host(let host, let port)):
            return DNSProbe.run(server: host, port: port ?? 53, name: t.query, type: t.queryType, timeout: t.timeout)
        case (.http, .url(let url)):
            return probeThroughName(url.host, port: url.port) { HTTPProbe.run(url: url, address: $0, expectStatus: t.expectStatus, timeout: t.timeout) }
        default:
            return .failed(error: "config", detail: "no address for method \(t.method.name)")
        }
    }
}

public struct MonitorError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
