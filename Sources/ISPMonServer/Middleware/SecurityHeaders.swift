public import Hummingbird
import HTTPTypes
import Logging

/// The headers every answer carries, errors included: nothing may load from another host
/// or run inline (so no injected script runs even if some text escaped), no framing, no
/// guessing of content types, no referrer leaving the page.
public struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    public init() {}

    static var fields: HTTPFields {
        [
            .contentSecurityPolicy: "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
        ]
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            guard let e = APIError.from(error) else {
                context.logger.error("\(request.method) \(request.uri.path): \(error)")
                response = APIError(.internalServerError, "internal error (the server's log says more)").response
                return Self.secured(response)
            }
            // A page's error is a page (a person reads it); the API's stays JSON.
            response = AccessControl.isAPI(request.uri.path) || request.uri.path == "/healthz" ? e.response : ErrorPage.response(e)
        }
        return Self.secured(response)
    }

    static func secured(_ response: Response) -> Response {
        var r = response
        for f in fields { r.headers[f.name] = f.value }
        return r
    }
}
