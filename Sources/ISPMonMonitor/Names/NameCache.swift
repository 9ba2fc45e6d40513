#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Dispatch
import Foundation
import ISPMonCore
import Logging
import Synchronization
import ISPMonConfig

/// The addresses of the targets' host names, resolved apart from the probes.
///
/// A probe measures reachability; if it looked its name up itself, a dead resolver would make
/// every name-based internet target fail (a DNS fault blamed on the ISP), and each lookup would
/// hold a probe thread for the C library's 5–10 s. So names are looked up here: at start, then
/// again when the answer's TTL runs out (clamped to `minTTL`…`maxTTL`), on a thread of their own,
/// each lookup bounded (`NameLookup`). A failed lookup keeps the last good addresses for as long
/// as it takes (retrying every `retry`), so that the targets go on being probed and the fault
/// shows where it is: in the `dns` targets. A name that has never resolved has no address: its
/// targets are not probed at all (the Monitor asks `canProbe`), like `host: auto` targets
/// before path discovery found the hop.
///
/// `/etc/hosts` is asked first, then the resolvers of `/etc/resolv.conf`; both files are read
/// again at every round of lookups, so an edit or a new DHCP lease counts from the next one.
final class NameCache: Sendable {
    struct Options: Sendable {
        var resolvConf = "/etc/resolv.conf"
        var hosts = "/etc/hosts"
        /// The resolvers' port: 53; tests point it at a responder of their own on loopback.
        var port: UInt16 = 53
        var perServer: Int64 = 1_000_000
        var perLookup: Int64 = 2_000_000
        var minTTL: Int64 = 30_000_000
        var maxTTL: Int64 = 3_600_000_000
        /// After a failed lookup (timeout, SERVFAIL…): the resolver may be back soon.
        var retry: Int64 = 5_000_000
        /// A name found in the hosts file (which has no TTL) is looked up again after this.
        var hostsTTL: Int64 = 60_000_000

        init() {}

        /// The defaults, with the files' paths from `ISPMON_RESOLV_CONF` and `ISPMON_HOSTS` when
        /// set: tests point the monitor at files that name only their own lab's addresses.
        static func from(environment: [String: String]) -> Options {
            var o = Options()
            if let p = environment["ISPMON_RESOLV_CONF"], !p.isEmpty { o.resolvConf = p }
            if let p = environment["ISPMON_HOSTS"], !p.isEmpty { o.hosts = p }
            return o
        }
    }

    struct Entry: Sendable {
        /// The last good addresses (IPv4 first); empty until the name first resolves.
        var addresses: [String] = []
        /// When to look it up next (monotonic µs), and how long after the last lookup that is.
        var due: Int64
        var lifetime: Int64 = 0
        /// Set while lookups fail, so that the failure is logged once, not at every retry.
        var failing = false
    }

    let options: Options
    let logger: Logger
    /// Each name and the targets that use it (for the log lines); a reload changes it.
    let usersBox: Mutex<[String: [String]]>
    var users: [String: [String]] { usersBox.withLock { $0 } }
    let entries: Mutex<[String: Entry]>
    let stopping = Atomic<Bool>(false)
    let wake = DispatchSemaphore(value: 0)

    /// A cache of every name the targets probe through (see `name(of:)`), due at `start`.
    init(targets: [MonitorConfig.Target], options: Options, logger: Logger, start: Int64? = nil) {
        let users = NameCache.users(of: targets)
        usersBox = Mutex(users)
        self.options = options
        self.logger = logger
        let first = start ?? Monotonic.microseconds()
        entries = Mutex(users.mapValues { _ in Entry(due: first) })
    }

    /// The host name a target's probe needs an address for: icmp and tcp hosts and http URL
    /// hosts that are not numeric. Not the host of a dns target: that is the resolver being
    /// measured, and it is asked directly.
    static func name(of t: MonitorConfig.Target) -> String? {
        let host: String
        switch (t.method, t.address) {
        case (.icmp, .host(let h, _)), (.tcp, .host(let h, _)): host = h
        case (.http, .url(let url)): host = url.host
        default: return nil
        }
        return Resolver.numeric(host, port: nil) == nil ? DNSMessage.normalized(host) : nil
    }

    var names: [String] { users.keys.sorted() }

    static func users(of targets: [MonitorConfig.Target]) -> [String: [String]] {
        var users: [String: [String]] = [:]
        for t in targets {
            if let name = NameCache.name(of: t) { users[name, default: []].append(t.name) }
        }
        return users
    }

    /// The names of a reloaded config: new names are looked up at once, names still used keep
    /// their addresses, names no longer used are forgotten.
    func retarget(_ targets: [MonitorConfig.Target]) {
        let users = NameCache.users(of: targets)
        usersBox.withLock { $0 = users }
        let now = Monotonic.microseconds()
        entries.withLock { e in
            e = e.filter { users[$0.key] != nil }
            for name in users.keys where e[name] == nil { e[name] = Entry(due: now) }
        }
        wake.signal()
    }

    /// The last good addresses of `name` (any case, a trailing dot allowed); empty when it has
    /// never resolved, and for a name the cache does not hold.
    func addresses(of name: String) -> [String] {
        entries.withLock { $0[DNSMessage.normalized(name)]?.addresses ?? [] }
    }

    /// The address to probe for `host` on `port`: `host` itself when numeric, else the first
    /// of its name's last good addresses; nil when the name has never resolved.
    func address(of host: String, port: UInt16?) -> SocketAddress? {
        if let numeric = Resolver.numeric(host, port: port) { return numeric }
        return addresses(of: host).first.flatMap { Resolver.numeric($0, port: port) }
    }

    /// Whether `target` can be probed now: always, unless it goes through a name that has
    /// never resolved (then it is not probed and nothing is recorded: its state stays unknown).
    func canProbe(_ target: MonitorConfig.Target) -> Bool {
        guard let name = NameCache.name(of: target) else { return true }
        return !addresses(of: name).isEmpty
    }

    /// How long the last lookup of `name` holds: its TTL clamped, the retry delay after a
    /// failure, the hosts file's lifetime (nil: not looked up yet).
    func lifetime(of name: String) -> Int64? {
        entries.withLock { e in e[DNSMessage.normalized(name)].flatMap { $0.lifetime > 0 ? $0.lifetime : nil } }
    }

    /// When the next lookup is due (nil: no names).
    var nextDue: Int64? { entries.withLock { $0.values.map(\.due).min() } }

    /// Looks up every name due at `now` (one after the other; each bounded by
    /// `options.perLookup`). The thread calls it; tests call it with the times they choose.
    /// Each next lookup is due its TTL after this one ended (`now` plus the time the round has
    /// taken so far), so that a round of timeouts is not due again the moment it ends.
    func refresh(now: Int64) {
        let started = Monotonic.microseconds()
        let due = entries.withLock { e in e.filter { $0.value.due <= now }.keys.sorted() }
        guard !due.isEmpty else { return }
        let sources = Sources(options)
        for name in due where !stopping.load(ordering: .relaxed) {
            let (outcome, fromHostsFile) = sources.lookUp(name, options: options)
            if fromHostsFile {
                update(name, outcome, at: now + (Monotonic.microseconds() - started), ttl: options.hostsTTL)
                continue
            }
            var ttl = options.retry
            switch outcome {
            case .found(_, let t): ttl = min(max(Int64(t ?? 0) * 1_000_000, options.minTTL), options.maxTTL)
            case .absent: ttl = options.minTTL  // a definite answer: no hurry to ask again
            case .failed: break
            }
            update(name, outcome, at: now + (Monotonic.microseconds() - started), ttl: ttl)
        }
    }

    /// Where names are looked up, read once for a round of lookups.
    struct Sources {
        let hosts: HostsFile
        let servers: [SocketAddress]

        init(_ options: Options) {
            hosts = HostsFile.parse(NameCache.read(options.hosts))
            let listed = ResolvConf.parse(NameCache.read(options.resolvConf)).nameservers
            servers = (listed.isEmpty ? ResolvConf.fallback : listed).compactMap { Resolver.numeric($0, port: options.port) }
        }

        /// One bounded lookup of `name`: the hosts file first, then the resolvers.
        func lookUp(_ name: String, options: Options) -> (NameLookup.Outcome, fromHostsFile: Bool) {
            let fromFile = hosts.lookup(name)
            if !fromFile.isEmpty {
                // IPv4 first, as for answers from DNS.
                return (.found(fromFile.filter { !$0.contains(":") } + fromFile.filter { $0.contains(":") }, ttl: nil), true)
            }
            return (NameLookup.resolve(name, servers: servers, perServer: options.perServer,
                                       deadline: Monotonic.microseconds() + options.perLookup), false)
        }
    }

    /// Records one lookup's outcome, and says what changed, once.
    func update(_ name: String, _ outcome: NameLookup.Outcome, at now: Int64, ttl: Int64) {
        let users = users[name] ?? []
        let targets = (users.count == 1 ? "target " : "targets ") + users.joined(separator: ", ")
        let found = entries.withLock { e -> ([String], Bool)? in
            guard let before = e[name] else { return nil }  // a reload dropped the name meanwhile
            var after = before
            after.due = now + ttl
            after.lifetime = ttl
            if case .found(let a, _) = outcome {
                after.addresses = a
                after.failing = false
            } else {
                after.failing = true
            }
            e[name] = after
            return (before.addresses, before.failing)
        }
        guard let (old, wasFailing) = found else { return }
        switch outcome {
        case .found(let a, _):
            let first = a.first ?? "?"
            if wasFailing {
                logger.notice("name \(name) resolves again: \(first) (\(targets))")
            } else if old.first != a.first {
                if old.isEmpty { logger.info("name \(name): \(first) (\(targets))") } else {
                    logger.info("name \(name): \(old.first ?? "?") → \(first)")
                }
            }
        case .absent(let why), .failed(let why):
            guard !wasFailing else { return }
            if let last = old.first {
                logger.warning("name \(name) does not resolve (\(why)): \(targets) go\(users.count == 1 ? "es" : "") on with its last address \(last)")
            } else {
                logger.warning("name \(name) does not resolve (\(why)): \(targets) \(users.count == 1 ? "is" : "are") not probed until it does")
            }
        }
    }

    // MARK: The thread

    /// Looks every name up now, then each again when it is due, on a thread of its own.
    func start() {
        let thread = Thread { [self] in
            while !stopping.load(ordering: .relaxed) {
                refresh(now: Monotonic.microseconds())
                let wait = (nextDue ?? Monotonic.microseconds() + options.retry) - Monotonic.microseconds()
                if wait > 0 { _ = wake.wait(timeout: .now() + .microseconds(Int(min(wait, options.maxTTL)))) }
            }
        }
        thread.name = "ispmon.names"
        thread.start()
    }

    /// Stops the thread. It is not waited for: a lookup under way ends by its own bound (2 s)
    /// and records nothing, and the monitor's stop must not wait for it.
    func stop() {
        stopping.store(true, ordering: .relaxed)
        wake.signal()
    }

    /// A file's first MiB (hosts and resolv.conf are a few hundred bytes; a huge or endless file,
    /// say /dev/zero by mistake, must not fill memory); empty when it cannot be read.
    static func read(_ path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        let limit = 1 << 20
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while out.count < limit {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, min($0.count, limit - out.count)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            out += buffer[..<n]
        }
        return out
    }
}
