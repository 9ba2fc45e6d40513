public import Hummingbird
import NIOCore

/// What a request carries through the middleware: who asks (a session, an API token, an
/// address allowed to scrape /metrics, or nobody) and from where.
public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's address, numeric (what the login limiter counts and metrics_allow names).
    public let remoteAddress: String?
    public var access: Access = .anonymous
    /// Completed when the connection closes, however (what frees a live stream's place at once).
    let closed: EventLoopFuture<Void>

    public enum Access: Sendable, Equatable {
        case anonymous
        /// A signed-in browser: its session id (the cookie's secret).
        case session(String)
        case token(AuthStore.Token)
        /// An address of `web.metrics_allow`, for /metrics only.
        case metricsScraper
    }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
        closed = source.channel.closeFuture
    }

    /// Request bodies: at most 64 KiB (a note is at most 4 KiB).
    public var maxUploadSize: Int { WebServer.maxBody }
}
