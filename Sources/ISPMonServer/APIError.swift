public import Hummingbird
import ISPMonQuery
import NIOCore

/// An answer other than 2xx: a status and one message naming what was wrong, as
/// `{"error": "…"}` (the API's error form).
public struct APIError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var message: String
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code): \(message)" }

    static func badParameter(_ name: String, _ reason: String) -> APIError {
        APIError(.badRequest, "\(name): \(reason)")
    }

    /// The error's JSON answer.
    var response: Response {
        var body = JSONObject()
        body.string("error", message)
        var h = headers
        h[.contentType] = "application/json"
        return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(bytes: body.finished() + [0x0A])))
    }

    /// The API form of whatever a handler threw: a query's bad parameter is 400, an unknown
    /// id 404, Hummingbird's own errors keep their status (413 for a body too large), and
    /// anything else is a 500 whose details go to the log, not to the client.
    static func from(_ error: any Error) -> APIError? {
        switch error {
        case let e as APIError: return e
        case let e as QueryError:
            switch e.kind {
            case let .invalid(parameter, reason): return badParameter(parameter, reason)
            case let .notFound(what): return APIError(.notFound, "no \(what)")
            }
        case let e as HTTPError: return APIError(e.status, e.body ?? e.status.reasonPhrase)
        // NIO's too many bytes (a body over the limit) is one of these: 413.
        case let e as any HTTPResponseError:
            return APIError(e.status, e.status == .contentTooLarge ? "the body is over \(WebServer.maxBody / 1024) KiB" : e.status.reasonPhrase)
        default: return nil
        }
    }
}
