#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation
import ISPMonCore
public import ISPMonControl
import ISPMonConfig
import Synchronization

/// Runs ad-hoc checks with the monitor's own probe code (ICMPPinger, TCPProbe, DNSProbe,
/// HTTPProbe, PathTracer, SpeedTester): never a shell, never another program. A host name is
/// looked up the monitor's way (the hosts file, then resolv.conf's resolvers, bounded), so a
/// dead resolver costs a check 2 s, not the C library's 5–10 s.
///
/// Every target is judged by ``ToolTargets`` once its address is known (parsed or looked up),
/// and the check goes to that address: by default not to this machine, loopback, link-local or
/// unspecified addresses, and a speed test only to the configured server or a web port. An
/// http check's answer that is not HTTP is reported without its bytes (`http-malformed`, no
/// detail): whatever a service other than a web server says of itself (an SSH server's version)
/// is not the tools' to show.
///
/// Calls block (each for at most its check's ``Check/bound``); the server runs each on a
/// thread of its own, never on its event loop or the store's pool.
public final class CheckRunner: AdHocChecks {
    let names: NameCache.Options
    let targets: ToolTargets
    /// The checks' pinger, opened at the first ping and kept: a socket and a receiving thread,
    /// with an identifier of its own so that its replies are not the monitor's.
    let pinger = Mutex<ICMPPinger?>(nil)
    let inFlight = Atomic<Int>(0)

    /// `environment`: `ISPMON_RESOLV_CONF` and `ISPMON_HOSTS` point at other files, as for the
    /// monitor (tests); `targets`: where checks may go (the config's, ``ToolTargets/init(_:)``).
    public init(environment: [String: String]? = nil, targets: ToolTargets = ToolTargets()) {
        names = NameCache.Options.from(environment: environment ?? ProcessInfo.processInfo.environment)
        self.targets = targets
    }

    /// Runs `check` now, and says what it found; `each` hears of every try and hop as it ends.
    public func run(_ check: Check, each: (CheckStep) -> Void = { _ in }) -> CheckReport {
        inFlight.add(1, ordering: .relaxed)
        defer { inFlight.subtract(1, ordering: .relaxed) }
        var report = CheckReport(check: check)
        switch check.tool {
        case .ping:
            let icmp: ICMPPinger
            switch openPinger() {
            case .success(let p): icmp = p
            case .failure(let f): report.failure = f; return report
            }
            tries(check, &report, port: nil, each) { icmp.ping($0, timeout: Check.tryTimeout) }
        case .tcp:
            tries(check, &report, port: check.port, each) { TCPProbe.run(address: $0, timeout: Check.tryTimeout) }
        case .dns:
            guard let (server, via) = resolve(check.host ?? "", port: check.port, &report) else { return report }
            report.address = via
            let query = check.query ?? ""
            let type = check.queryType
            repeatTries(check, &report, each) {
                DNSProbe.run(server: server.description, port: check.port ?? 53, name: query, type: type, timeout: Check.tryTimeout)
            }
        case .http:
            guard let url = check.url else { return report }
            tries(check, &report, host: url.host, port: url.port, each) {
                CheckRunner.withoutForeignBytes(HTTPProbe.run(url: url, address: $0, expectStatus: nil, timeout: Check.tryTimeout))
            }
        case .trace:
            guard let (address, via) = resolve(check.host ?? "", port: nil, &report) else { return report }
            report.address = via
            do {
                report.hops = try PathTracer.trace(to: address.description, maxHops: Check.maxHops, hopTimeout: Check.hopTimeout,
                                                   identifier: UInt16.random(in: 1...UInt16.max)) { each(.hop($0)) }
            } catch {
                report.failure = .init(error: "trace-unavailable", detail: error.description)
            }
        case .speedtest:
            guard let url = check.url else { return report }
            if let why = targets.speedTestRefusal(url) {
                report.failure = .init(error: "target-not-allowed", detail: why)
                return report
            }
            guard let (address, via) = resolve(url.host, port: url.port, &report) else { return report }
            report.address = via
            var settings = MonitorConfig.SpeedTest()
            settings.downloadURL = url
            settings.uploadURL = url
            settings.maxDuration = Check.speedTestDuration
            let tester = SpeedTester(settings, firstDelay: 0, now: { Timestamp(microseconds: 0) }, isRunning: { true }, address: address,
                                     record: { _ in })
            report.speedTest = tester.run()
        }
        return report
    }

    /// The tries of a check against `host` (the check's own unless given): its address looked
    /// up once, then `probe` on it `count` times.
    func tries(_ check: Check, _ report: inout CheckReport, host: String? = nil, port: UInt16?,
               _ each: (CheckStep) -> Void, _ probe: (SocketAddress) -> ProbeResult) {
        guard let (address, via) = resolve(host ?? check.host ?? "", port: port, &report) else { return }
        report.address = via
        repeatTries(check, &report, each) { probe(address) }
    }

    /// `count` tries, their starts `Check.spacing` apart.
    func repeatTries(_ check: Check, _ report: inout CheckReport, _ each: (CheckStep) -> Void, _ probe: () -> ProbeResult) {
        for n in 0..<check.count {
            let started = Monotonic.microseconds()
            let result = probe()
            report.tries.append(result)
            each(.tried(n + 1, result))
            guard n + 1 < check.count else { break }
            let left = started + Check.spacing - Monotonic.microseconds()
            if left > 0 { usleep(UInt32(left)) }
        }
    }

    /// `host`'s address: itself when numeric (no address to report), else its name's first
    /// address; nil, with the report's failure set, when the name does not resolve or the
    /// address is not one the tools may check (``ToolTargets``).
    func resolve(_ host: String, port: UInt16?, _ report: inout CheckReport) -> (SocketAddress, String?)? {
        if let numeric = Resolver.numeric(host, port: port) { return allowed(numeric, via: nil, &report) }
        let (outcome, _) = NameCache.Sources(names).lookUp(host, options: names)
        switch outcome {
        case .found(let addresses, _):
            if let first = addresses.first, let address = Resolver.numeric(first, port: port) { return allowed(address, via: first, &report) }
            report.failure = .init(error: "resolve", detail: "\(host): no address")
        case .absent(let why): report.failure = .init(error: "resolve", detail: "\(host): \(why)")
        case .failed(let why): report.failure = .init(error: "resolve", detail: "\(host): \(why)")
        }
        return nil
    }

    /// `address` (found `via` a name, or nil), unless ``targets`` refuses it: then nil, and the
    /// report says why (`target-not-allowed`).
    func allowed(_ address: SocketAddress, via: String?, _ report: inout CheckReport) -> (SocketAddress, String?)? {
        if let why = targets.refusal(of: address.description) {
            report.address = via
            report.failure = .init(error: "target-not-allowed", detail: why)
            return nil
        }
        return (address, via)
    }

    /// An http try's result without what a server that does not speak HTTP sent: its first line
    /// would be the tools' window on any service's greeting.
    static func withoutForeignBytes(_ result: ProbeResult) -> ProbeResult {
        if case .failed(let error, _) = result, error == "http-malformed" { return .failed(error: error, detail: "the answer is not HTTP") }
        return result
    }

    func openPinger() -> Result<ICMPPinger, CheckReport.Failure> {
        pinger.withLock { p in
            if let p { return .success(p) }
            do {
                let opened = try ICMPPinger(identifier: UInt16.random(in: 1...UInt16.max))
                p = opened
                return .success(opened)
            } catch {
                return .failure(.init(error: "icmp-unavailable", detail: String(describing: error)))
            }
        }
    }

    /// Closes the pinger, unless a check still uses it (then the process is ending: its
    /// socket goes with it, and closing it under a check could hand its number to another).
    public func stop() {
        guard inFlight.load(ordering: .relaxed) == 0 else { return }
        pinger.withLock { p in
            p?.stop()
            p = nil
        }
    }
}
