#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Dispatch
import Foundation
import ISPMonCore
public import ISPMonStore
public import Logging
import Synchronization

/// The monitor: probes every target on its own schedule, watches the links,
/// and turns each result into an event for the store's group-commit writer.
///
/// A scheduler thread starts probes when they are due (each target's interval
/// plus a little jitter); probes run on a bounded pool of threads and never
/// wait for one another; a failure, a timeout or an unexpected error in one
/// probe becomes an event or a log line, never a stopped monitor.
public final class Monitor: @unchecked Sendable {
    // @unchecked: `stopping` is guarded by `wake`, `traceRequested` by `traceWake`,
    // `nextTrace` belongs to the trace thread; `speedTester`, `control` and `tracing`
    // are set by start()/listen() before the threads that read them exist, and read
    // again only by stop() on the same thread; everything else is a Mutex or immutable.
    public let config: MonitorConfig
    public let interfaces: [String]
    let writer: GroupCommitWriter
    let logger: Logger
    let pinger: ICMPPinger?
    /// Runs the probes: at most this many in flight.
    let pool: ProbePool
    /// Events are accepted until `monitor stopped` is written: nothing may follow it.
    let accepting = RecordingGate()
    let wake = NSCondition()
    var stopping = false
    let schedulerDone = DispatchSemaphore(value: 0)
    let inFlight = Mutex<Set<String>>([])
    /// Each job's state: from the config, then from `ispmon job` at run time.
    let jobs: Mutex<[MonitorConfig.JobName: JobState.State]>
    var control: ControlChannel.Server?
    var speedTester: SpeedTester?
    /// The ISP's first hop found by path discovery (probed for `host: auto` targets).
    let ispHop = Mutex<String?>(nil)
    /// Set when the trace should run again (the gateway changed).
    let traceWake = NSCondition()
    var traceRequested = true
    let traceDone = DispatchSemaphore(value: 0)
    var tracing = false
    /// The targets' host names, resolved apart from the probes (Names/NameCache.swift).
    let names: NameCache

    /// Runs one probe of a target. The real probes by default; tests hand in fakes
    /// to check the scheduling (the real probes are tested for real).
    public typealias Prober = @Sendable (MonitorConfig.Target) -> ProbeResult
    let prober: Prober?

    public init(config: MonitorConfig, writer: GroupCommitWriter, interfaces: [String], logger: Logger,
                prober: Prober? = nil) throws {
        self.prober = prober
        self.config = config
        self.writer = writer
        self.interfaces = interfaces
        self.logger = logger
        pool = ProbePool(limit: max(4, min(64, config.targets.count * 2)))
        var states: [MonitorConfig.JobName: JobState.State] = [:]
        for job in MonitorConfig.JobName.allCases { states[job] = config.jobs[job] ?? .run }
        jobs = Mutex(states)
        names = NameCache(targets: config.targets, options: .from(environment: ProcessInfo.processInfo.environment), logger: logger)
        if prober == nil, config.targets.contains(where: { $0.method == .icmp }) {
            pinger = try ICMPPinger()
            logger.info("icmp through \(pinger!.kind.rawValue) sockets")
        } else {
            pinger = nil
        }
        for t in config.targets {
            if t.address == .auto && (config.jobs[.trace] ?? .run) != .run {
                // Probing nothing is better than recording failures that would blame the ISP.
                logger.warning("target \(t.name): host auto needs the trace job, which is not running: not probed")
            }
        }
    }

    /// Writes `monitor started` and the links' states, then starts probing.
    public func start() throws {
        try record(Event(time: Monitor.now(), body: .monitor(MonitorState(state: .started, version: ISPMonVersion.current))))
        for (job, state) in config.jobs.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where state != .run {
            try record(Event(time: Monitor.now(), body: .job(JobState(job: job.rawValue, state: state))))
        }
        names.start()
        let thread = Thread { [self] in schedule() }
        thread.name = "ispmon.scheduler"
        thread.start()
        if config.targets.contains(where: { $0.address == .auto }) {
            tracing = true
            let tracer = Thread { [self] in traceLoop() }
            tracer.name = "ispmon.trace"
            tracer.start()
        }
        if let s = config.speedTest, s.enabled {
            // The first test a minute in (ISPMON_SPEEDTEST_DELAY in seconds overrides, for tests and demos).
            let delay = ProcessInfo.processInfo.environment["ISPMON_SPEEDTEST_DELAY"].flatMap(Double.init).map { Int64($0 * 1e6) }
            let tester = SpeedTester(s, firstDelay: delay ?? 60_000_000, isRunning: { [self] in
                jobs.withLock { $0[.speedtest] ?? .run } == .run
            }) { [self] event in
                do { try record(event) } catch { logger.error("could not record a speed test: \(error)") }
            }
            speedTester = tester
            tester.start()
        }
    }

    /// Answers `ispmon job` requests through `control.sock` in `directory`.
    public func listen(directory: String) throws {
        control = try ControlChannel.Server(directory: directory) { [self] request in handle(request) }
    }

    /// `job NAME run|paused|disabled`: changes the job and records a `job` event.
    func handle(_ request: ControlChannel.Request) -> String {
        let (job, state) = (request.job, request.state)
        let old = jobs.withLock { j in defer { j[job] = state }; return j[job] }
        guard old != state else { return "ok: \(job.rawValue) is already \(state.rawValue)" }
        do { try record(Event(time: Monitor.now(), body: .job(JobState(job: job.rawValue, state: state)))) } catch {
            return "error: \(error)"
        }
        logger.info("job \(job.rawValue): \(state.rawValue)")
        wake.lock()
        wake.broadcast()  // the scheduler picks it up at once
        wake.unlock()
        traceWake.lock()
        if job == .trace && state == .run { traceRequested = true }
        traceWake.broadcast()
        traceWake.unlock()
        return "ok: \(job.rawValue) \(state.rawValue)"
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
        speedTester?.stop()
        if tracing {
            traceWake.lock()
            traceWake.broadcast()
            traceWake.unlock()
            traceDone.wait()
        }
        try accepting.close {
            try writer.submit([Event(time: Monitor.now(), body: .monitor(MonitorState(state: .stopped, version: ISPMonVersion.current)))][...])
        }
        try writer.flush()
        pool.stop()
        pinger?.stop()
    }

    /// Hands an event to the writer, unless the monitor has stopped.
    func record(_ event: Event) throws {
        try accepting.pass { try writer.submit([event][...]) }
    }

    /// The wall-clock time, to the microsecond.
    static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(microseconds: Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1_000)
    }

    // MARK: The scheduler thread

    func schedule() {
        defer { schedulerDone.signal() }
        let start = Monotonic.microseconds()
        var schedule = ProbeSchedule(intervals: config.targets.map(\.interval), start: start)
        var links: [String: Bool] = [:]
        var nextLinkCheck = start
        while true {
            let now = Monotonic.microseconds()
            if now >= nextLinkCheck {
                checkLinks(&links)
                nextLinkCheck = now + 1_000_000
            }
            let probesJob = jobs.withLock { $0[.probes] ?? .run }
            if probesJob == .run {
                for i in schedule.take(at: now, eligible: mayProbe) {
                    launch(config.targets[i])
                }
            }
            let nextDue = probesJob == .run ? (schedule.next(eligible: mayProbe) ?? nextLinkCheck) : nextLinkCheck
            let until = min(nextDue, nextLinkCheck)
            wake.lock()
            if stopping {
                wake.unlock()
                return
            }
            let wait = until - Monotonic.microseconds()
            if wait > 0 { _ = wake.wait(until: Date(timeIntervalSinceNow: Double(wait) / 1e6)) }
            let stop = stopping
            wake.unlock()
            if stop { return }
        }
    }

    /// Path discovery at start, every hour, and whenever the gateway changes.
    func traceLoop() {
        defer { traceDone.signal() }
        let destination = config.targets.first { t in
            if t.role == .internet, t.method == .icmp, case .host = t.address { true } else { false }
        }.flatMap { t -> String? in if case .host(let h, _) = t.address { h } else { nil } } ?? "1.1.1.1"
        var lastGateway = LinkState.defaultRoute()?.gateway
        while true {
            traceWake.lock()
            while (!traceRequested || jobs.withLock({ $0[.trace] ?? .run }) != .run) && !isStopping {
                _ = traceWake.wait(until: Date(timeIntervalSinceNow: 1))
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
            do {
                let time = Monitor.now()
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

    var nextTrace: Int64 = 0
    var isStopping: Bool {
        wake.lock()
        defer { wake.unlock() }
        return stopping
    }

    func checkLinks(_ links: inout [String: Bool]) {
        for name in interfaces {
            let up = LinkState.isUp(name)
            guard links[name] != up else { continue }
            links[name] = up
            logger.info("link \(name) is \(up ? "up" : "down")")
            do { try record(Event(time: Monitor.now(), body: .link(Link(interface: name, up: up)))) } catch {
                logger.error("could not record the state of \(name): \(error)")
            }
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
            let time = Monitor.now()
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
            do { try record(event) } catch {
                logger.error("could not record a probe of \(target.name): \(error)")
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

public enum ISPMonVersion {
    public static let current = "0.3.0"
}
