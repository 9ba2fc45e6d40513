import ISPMonCore
import Synchronization
import ISPMonConfig

/// How the monitor's probes use the name cache: a target whose name has never resolved is not
/// scheduled at all, and a probe of a name-based target goes to the cached address, never
/// through a lookup of its own.
extension Monitor {
    /// Whether `t` may be probed now: a `host: auto` target once path discovery found the
    /// ISP's hop, a name-based one once its name has resolved.
    func mayProbe(_ t: MonitorConfig.Target) -> Bool {
        if t.address == .auto { return ispHop.withLock { $0 } != nil }
        return names.canProbe(t)
    }

    /// Runs `probe` against the address of `host` (itself when numeric, else its name's last
    /// good address), naming that address in the result's detail when `host` is a name: which
    /// of a name's addresses answered is part of the measurement.
    func probeThroughName(_ host: String, port: UInt16?, _ probe: (SocketAddress) -> ProbeResult) -> ProbeResult {
        guard let address = names.address(of: host, port: port) else {
            // Not scheduled until the name resolves, and it never unresolves: not reached.
            return .failed(error: "resolve", detail: "\(host) has not resolved yet")
        }
        let result = probe(address)
        guard Resolver.numeric(host, port: nil) == nil else { return result }
        let via = address.description
        switch result {
        case let .ok(rtt, detail): return .ok(rtt: rtt, detail: detail.map { "\($0) (\(via))" } ?? via)
        case let .failed(error, detail): return .failed(error: error, detail: detail.map { "\($0) (\(via))" } ?? via)
        }
    }
}
