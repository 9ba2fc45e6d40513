public import Hummingbird
import HTTPTypes
import Logging

/// The headers every answer carries, errors included: nothing may load from another host
/// or run inline (so no injected script runs even if some text escaped), no `<base>` that
/// would send the pages' links and forms elsewhere, no framing (the CSP's `frame-ancestors`,
/// and `X-Frame-Options` for browsers without it), no guessing of content types, no referrer
/// sent to another site (`same-origin`, not `no-referrer`: under `no-referrer` a browser sends
/// the pages' own posts with `Origin: null`, which ``SameOrigin`` cannot tell from a hostile
/// page's).
///
/// The API's answers to `GET` and /metrics are never stored by a browser or a proxy
/// (`Cache-Control: no-store`): they are what a session or token may read, and
/// `/api/v1/session` holds the CSRF token. An answer to a `POST` is stored by no cache anyway
/// (RFC 9111 would need it to say how long it is fresh, and where); and `no-store` on the
/// tools' streamed answer made Chromium report the fetch as cancelled when the page was left
/// after it had ended.
public struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    public init() {}

    static var fields: HTTPFields {
        [
            .contentSecurityPolicy: "default-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
            HTTPField.Name("X-Frame-Options")!: "DENY",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "same-origin",
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
                return Self.secured(response, request)
            }
            // A page's error is a page (a person reads it); the API's stays JSON.
            response = AccessControl.isAPI(request.uri.path) || request.uri.path == "/healthz" ? e.response : ErrorPage.response(e)
        }
        return Self.secured(response, request)
    }

    static func secured(_ response: Response, _ request: Request) -> Response {
        var r = response
        for f in fields { r.headers[f.name] = f.value }
        if AccessControl.isAPI(request.uri.path) && (request.method == .get || request.method == .head) {
            r.headers[.cacheControl] = "no-store"
        }
        return r
    }
}
