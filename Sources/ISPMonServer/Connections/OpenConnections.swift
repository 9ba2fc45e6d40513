import Logging
import NIOCore
import NIOHTTPTypes
import Synchronization

/// The count of the server's open connections, in all and per client address, shared by every
/// connection's ``ConnectionCap``.
final class OpenConnections: Sendable {
    let limit: Int
    let perAddress: Int
    let logger: Logger

    struct State {
        var open = 0
        /// Connections open per client address (loopback's are not counted here), absent at 0.
        var byAddress: [String: Int] = [:]
        /// When a refusal of each kind was last logged.
        var warned: ContinuousClock.Instant?
        var warnedAddress: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    /// A flood of refusals is one log line a minute of each kind, not one a connection.
    static let warnEvery: Duration = .seconds(60)

    init(limit: Int, perAddress: Int, logger: Logger) {
        self.limit = limit
        self.perAddress = perAddress
        self.logger = logger
    }

    var count: Int { state.withLock { $0.open } }

    /// Why a connection was refused.
    enum Refusal {
        case full
        case addressFull
    }

    /// Counts a new connection from `address` in (nil: counted in, and `leave(address)` once
    /// it closes), or says why not (not counted). `address` is nil for loopback (the proxy
    /// beside ispmon) and for a peer of no known address: only the total applies to them.
    func enter(_ address: String?) -> Refusal? {
        let now = ContinuousClock.now
        let (refusal, warn) = state.withLock { s -> (Refusal?, Bool) in
            let refusal: Refusal? = s.open >= limit ? .full
                : address.map { s.byAddress[$0, default: 0] >= perAddress } == true ? .addressFull : nil
            switch refusal {
            case nil:
                s.open += 1
                if let address { s.byAddress[address, default: 0] += 1 }
                return (nil, false)
            case .full?:
                if let last = s.warned, now - last < Self.warnEvery { return (refusal, false) }
                s.warned = now
            case .addressFull?:
                if let last = s.warnedAddress, now - last < Self.warnEvery { return (refusal, false) }
                s.warnedAddress = now
            }
            return (refusal, true)
        }
        if warn, let refusal {
            switch refusal {
            case .full:
                logger.warning("web: \(limit) connections are open, the most allowed: closing new ones at once (said at most once a minute)")
            case .addressFull:
                logger.warning("web: \(perAddress) connections are open from \(address ?? "?"), the most one address may have: closing its new ones at once (said at most once a minute, for any address)")
            }
        }
        return refusal
    }

    func leave(_ address: String?) {
        state.withLock { s in
            s.open -= 1
            guard let address, let n = s.byAddress[address] else { return }
            s.byAddress[address] = n > 1 ? n - 1 : nil
        }
    }

    /// The key a peer is counted under: its numeric address, an IPv4 peer of a `[::]` socket
    /// (`::ffff:192.0.2.5`) as the IPv4 address it is; nil for loopback and unknown peers.
    static func key(of peer: SocketAddress?) -> String? {
        guard let text = peer?.ipAddress, !ReverseProxy.isLoopback(text) else { return nil }
        let mapped = "::ffff:"
        if text.lowercased().hasPrefix(mapped), text.contains(".") { return String(text.dropFirst(mapped.count)) }
        return text
    }
}

/// The first handler of every connection: counts it in ``OpenConnections``, or closes it at
/// once, before anything is read from it, when the server, or its client's address, has as
/// many as it allows. Closing (rather than leaving it unaccepted in the kernel's queue, as
/// Hummingbird's `MaximumAvailableConnections` does) tells the client at once, and the
/// connections already open, a browser's among them, go on being served.
final class ConnectionCap: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let connections: OpenConnections
    /// Whether this connection was counted in or closed: decided once, when it becomes active
    /// (which may be before or after this handler is added).
    private var decided = false

    init(_ connections: OpenConnections) { self.connections = connections }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { _ = admit(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        // A refused connection is closed: the handlers behind this one never hear it was open.
        if admit(context) { context.fireChannelActive() }
    }

    /// True when the connection may be served.
    private func admit(_ context: ChannelHandlerContext) -> Bool {
        if decided { return context.channel.isActive }
        decided = true
        let address = OpenConnections.key(of: context.channel.remoteAddress)
        guard connections.enter(address) == nil else {
            context.close(promise: nil)
            return false
        }
        context.channel.closeFuture.whenComplete { [connections] _ in connections.leave(address) }
        return true
    }
}
