import Logging
import NIOCore
import NIOHTTPTypes
import Synchronization

/// The count of the server's open connections, shared by every connection's ``ConnectionCap``.
final class OpenConnections: Sendable {
    let limit: Int
    let logger: Logger
    /// How many are open, and when the last refusal was logged.
    private let state = Mutex<(open: Int, warned: ContinuousClock.Instant?)>((0, nil))
    /// A flood of refusals is one log line a minute, not one a connection.
    static let warnEvery: Duration = .seconds(60)

    init(limit: Int, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    var count: Int { state.withLock { $0.open } }

    /// Counts a new connection in; false (and not counted) when `limit` are open already.
    func enter() -> Bool {
        let now = ContinuousClock.now
        let (admitted, warn) = state.withLock { s -> (Bool, Bool) in
            if s.open < limit {
                s.open += 1
                return (true, false)
            }
            if let last = s.warned, now - last < Self.warnEvery { return (false, false) }
            s.warned = now
            return (false, true)
        }
        if warn {
            logger.warning("web: \(limit) connections are open, the most allowed: closing new ones at once (said at most once a minute)")
        }
        return admitted
    }

    func leave() { state.withLock { $0.open -= 1 } }
}

/// The first handler of every connection: counts it in ``OpenConnections``, or closes it at
/// once, before anything is read from it, when the server has as many as it allows. Closing
/// (rather than leaving it unaccepted in the kernel's queue, as Hummingbird's
/// `MaximumAvailableConnections` does) tells the client at once, and the connections already
/// open, a browser's among them, go on being served.
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
        guard connections.enter() else {
            context.close(promise: nil)
            return false
        }
        context.channel.closeFuture.whenComplete { [connections] _ in connections.leave() }
        return true
    }
}
