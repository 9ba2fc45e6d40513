/// One immutable fact in the log (docs/events.md).
public struct Event: Sendable, Hashable {
    public var time: Timestamp
    public var body: Body

    public init(time: Timestamp, body: Body) {
        self.time = time
        self.body = body
    }

    public enum Body: Sendable, Hashable {
        case probe(Probe)
        case speedtest(SpeedTest)
        case link(Link)
        case trace(Trace)
        case monitor(MonitorState)
        case job(JobState)
        case note(Note)
        case clock(ClockStep)
        case notify(NotifyAttempt)
    }

    public var type: EventType {
        switch body {
        case .probe: .probe
        case .speedtest: .speedtest
        case .link: .link
        case .trace: .trace
        case .monitor: .monitor
        case .job: .job
        case .note: .note
        case .clock: .clock
        case .notify: .notify
        }
    }
}

/// The event types; a type's position here is its code in the store's rows, so
/// new types go at the end.
public enum EventType: String, Sendable, CaseIterable, Hashable {
    case probe, speedtest, link, trace, monitor, job, note, clock, notify
}

/// Where a target sits on the path from this machine to the internet.
public enum Role: UInt8, Sendable, CaseIterable, Hashable {
    case device, gateway, isp, internet, dns
    public var name: String {
        switch self {
        case .device: "device"
        case .gateway: "gateway"
        case .isp: "isp"
        case .internet: "internet"
        case .dns: "dns"
        }
    }
    public init?(name: some StringProtocol) {
        guard let r = Role.allCases.first(where: { $0.name == name }) else { return nil }
        self = r
    }
}

public enum ProbeMethod: UInt8, Sendable, CaseIterable, Hashable {
    case icmp, tcp, dns, http
    public var name: String {
        switch self {
        case .icmp: "icmp"
        case .tcp: "tcp"
        case .dns: "dns"
        case .http: "http"
        }
    }
    public init?(name: some StringProtocol) {
        guard let m = ProbeMethod.allCases.first(where: { $0.name == name }) else { return nil }
        self = m
    }
}

/// A duration in microseconds: `rtt_ms` keeps three decimals of a millisecond.
public typealias Microseconds = Int64

public struct Probe: Sendable, Hashable {
    public var target: String
    public var role: Role
    public var method: ProbeMethod
    public var outcome: Outcome
    public var detail: String?

    public enum Outcome: Sendable, Hashable {
        /// Success with its round-trip time.
        case ok(rtt: Microseconds)
        /// Failure with its short error code (`timeout`, `refused`, …).
        case failed(error: String)
    }

    public init(target: String, role: Role, method: ProbeMethod, outcome: Outcome, detail: String? = nil) {
        self.target = target
        self.role = role
        self.method = method
        self.outcome = outcome
        self.detail = detail
    }

    public var ok: Bool { if case .ok = outcome { true } else { false } }
}

public struct SpeedTest: Sendable, Hashable {
    public var server: String
    public var outcome: Outcome
    public var rtt: Microseconds?

    public enum Outcome: Sendable, Hashable {
        case ok(downMbps: Double, upMbps: Double)
        case failed(error: String)
    }

    public init(server: String, outcome: Outcome, rtt: Microseconds? = nil) {
        self.server = server
        self.outcome = outcome
        self.rtt = rtt
    }
}

public struct Link: Sendable, Hashable {
    public var interface: String
    public var up: Bool
    public init(interface: String, up: Bool) {
        self.interface = interface
        self.up = up
    }
}

public struct Trace: Sendable, Hashable {
    public var destination: String
    public var hops: [Hop]
    public struct Hop: Sendable, Hashable {
        public var ttl: Int
        public var address: String?
        public var rtt: Microseconds?
        public init(ttl: Int, address: String?, rtt: Microseconds?) {
            self.ttl = ttl
            self.address = address
            self.rtt = rtt
        }
    }
    public init(destination: String, hops: [Hop]) {
        self.destination = destination
        self.hops = hops
    }
}

public struct MonitorState: Sendable, Hashable {
    public var state: State
    public var version: String?
    /// At `started`: the kernel's word on whether NTP sets the system clock (nil when
    /// not recorded, as by monitors before it was). The views correct the times of
    /// a run that started unsynchronized (docs/views.md, "Event time").
    public var clock: ClockSync?
    /// At `reloaded`: the targets and interfaces the reload removed (they leave their layers).
    public var removed: [String]
    /// `reloaded`: the config was read again while running (the run goes on).
    public enum State: String, Sendable, Hashable { case started, stopped, reloaded }
    public enum ClockSync: String, Sendable, Hashable { case synchronized, unsynchronized }
    public init(state: State, version: String? = nil, clock: ClockSync? = nil, removed: [String] = []) {
        self.state = state
        self.version = version
        self.clock = clock
        self.removed = removed
    }
}

/// The system clock was stepped while the monitor ran (or turned synchronized
/// without a step: then `step` is 0).
public struct ClockStep: Sendable, Hashable {
    /// How far the wall clock jumped, new − old, measured against the monotonic clock
    /// (negative: back).
    public var step: Microseconds
    /// Whether the clock is NTP-synchronized after the step.
    public var synchronized: Bool
    public init(step: Microseconds, synchronized: Bool) {
        self.step = step
        self.synchronized = synchronized
    }
}

public struct JobState: Sendable, Hashable {
    public var job: String
    public var state: State
    public enum State: String, Sendable, Hashable { case run, paused, disabled }
    public init(job: String, state: State) {
        self.job = job
        self.state = state
    }
}

public struct Note: Sendable, Hashable {
    public var outage: String
    public var text: String
    public init(outage: String, text: String) {
        self.outage = outage
        self.text = text
    }
}

/// One attempt to deliver a notification to a channel (docs/notify.md): the log is the
/// notifier's outbox, so what is pending, delivered or given up is read back from these.
public struct NotifyAttempt: Sendable, Hashable {
    /// What was notified: `OUTAGE_ID/outage`, `OUTAGE_ID/recovery`, `speedtest/SEQ`, `monitor/SEQ`.
    public var key: String
    /// The channel's name from the config.
    public var channel: String
    /// 1, 2, 3 … for this key and channel.
    public var attempt: Int
    /// nil: delivered; else the short code (`timeout`, `http-status`, …, `expired`, `suppressed`).
    public var error: String?
    /// The receiver's answer or the reason, in a line (never a secret).
    public var detail: String?

    public init(key: String, channel: String, attempt: Int, error: String?, detail: String? = nil) {
        self.key = key
        self.channel = channel
        self.attempt = attempt
        self.error = error
        self.detail = detail
    }

    public var ok: Bool { error == nil }
}
