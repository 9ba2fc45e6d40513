import Hummingbird
import HTTPTypes
import Logging
import NIOHTTP1

/// A request the HTTP/1 parser could not read to its end is the client's fault, not the
/// server's: a body that breaks HTTP's framing (a bad chunk size) or a client that left in the
/// middle of its body (the parser's "unexpected end"). Both reach a handler as an error thrown by
/// its read of the body; unmarked, they would be a `500` and an `error` line, and anyone could
/// fill the log without a password. They are a `400` that closes the connection (nothing after
/// such a body can be read as a request), and a `debug` line.
struct ClientErrors<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPParserError {
            context.logger.debug("\(request.method) \(request.uri.path): the client's request could not be read: \(error)")
            throw APIError(.badRequest, "the request could not be read: \(error)", headers: [.connection: "close"])
        }
    }
}
