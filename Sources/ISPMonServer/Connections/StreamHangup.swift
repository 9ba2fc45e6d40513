import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a live stream's connection (an answer of `text/event-stream`) as soon as its client
/// has closed its side. Hummingbird lets a client half-close a connection and still read its
/// answer, so a client that leaves (a closed tab sends a FIN, not a reset) is heard of only
/// when a write fails, and a quiet stream writes every 15 s: until then it would hold one of the
/// 64 places. A stream's client never half-closes while it still listens (EventSource does
/// not), so its FIN means it has gone; closing frees the place at once (StreamRoute gives it
/// back when the connection closes). Other answers go on being written to a half-closed
/// connection, as HTTP allows.
final class StreamHangup: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The client has closed its side.
    private var inputClosed = false
    /// The answer being written is a live stream.
    private var streaming = false

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            inputClosed = true
            if streaming { context.close(promise: nil) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            streaming = head.headerFields[.contentType] == "text/event-stream"
            context.write(data, promise: promise)
            // Gone before its stream began.
            if streaming && inputClosed { context.close(promise: nil) }
        case .body:
            context.write(data, promise: promise)
        case .end:
            streaming = false
            context.write(data, promise: promise)
        }
    }
}
