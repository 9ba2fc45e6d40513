import Foundation
import Hummingbird
import HTTPTypes
import Logging
import ISPMonCore
import ISPMonQuery
import NIOCore

/// Who may do what (docs/http.md, "Sign-in and access"): every route needs a signed-in
/// session or an API token except the public ones; without one, `401` for the API and
/// /metrics, a redirect to /login for pages; a read-only token may only read; a state
/// change with a session carries its CSRF token; until an admin password exists, nothing
/// but the public routes answers, and they say how to set one. What the sign-in files say is
/// known in memory until they change; a reading after a change goes to the store's pool.
struct AccessControl: RouterMiddleware {
    typealias Context = WebContext
    let auth: AuthStore
    let settings: WebSettings
    /// Where the sign-in files are read when they changed (off the event loop).
    let work: any BlockingWork

    /// What answers without sign-in.
    func isPublic(_ request: Request) -> Bool {
        let path = request.uri.path
        return path == "/healthz" || path == "/login" || path.hasPrefix("/static/") || path == "/favicon.ico"
            || (path == "/status" && settings.publicStatus)
    }

    static func isAPI(_ path: String) -> Bool { path.hasPrefix("/api/") || path == "/metrics" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let snapshot = try await auth.current(using: work)
        context.access = access(request, context, snapshot)
        let path = request.uri.path
        if isPublic(request) { return try await next(request, context) }
        guard snapshot.passwordHash != nil else {
            throw APIError(.serviceUnavailable, "no admin password is set: run `ispmon passwd` (or `ispmon init`) for this store first")
        }
        switch context.access {
        case .anonymous:
            guard Self.isAPI(path) else {
                return Response(status: .seeOther, headers: [.location: "/login"])
            }
            throw APIError(.unauthorized, "sign in, or send an API token: Authorization: Bearer …",
                           headers: [.wwwAuthenticate: "Bearer realm=\"ispmon\""])
        case .metricsScraper:
            guard path == "/metrics" else {
                throw APIError(.unauthorized, "sign in, or send an API token: Authorization: Bearer …")
            }
        case .token(let token):
            if token.readOnly && (request.method != .get && request.method != .head || !Self.isAPI(path)) {
                throw APIError(.forbidden, "the token '\(token.name)' is read-only: it may only GET the API and /metrics")
            }
        case .session(let id):
            if request.method != .get && request.method != .head {
                return try await next(try await Self.checkedCSRF(request, session: id), context)
            }
        }
        return try await next(request, context)
    }

    /// Who `request` is from: a bearer token wins over a cookie (a script's request is its token's).
    func access(_ request: Request, _ context: Context, _ snapshot: AuthStore.Snapshot) -> Context.Access {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer", let token = auth.token(String(parts[1]), in: snapshot) {
                return .token(token)
            }
            return .anonymous
        }
        if let id = SessionCookie.id(request),
           auth.session(id, now: settings.clock.microseconds, in: snapshot) != nil {
            return .session(id)
        }
        if request.uri.path == "/metrics", let address = context.remoteAddress,
           settings.metricsAllow.contains(where: { WebSettings.sameAddress($0, address) }) {
            return .metricsScraper
        }
        return .anonymous
    }

    /// The request, once its CSRF token (the `X-CSRF-Token` header, or the form field `csrf`)
    /// is the session's; a form's body is read here and handed on whole.
    static func checkedCSRF(_ request: Request, session id: String) async throws -> Request {
        let expected = AuthStore.csrfToken(session: id)
        if let header = request.headers[HTTPField.Name("X-CSRF-Token")!] {
            guard Secrets.equal(header, expected) else { throw APIError(.forbidden, "the CSRF token does not match this session") }
            return request
        }
        var request = request
        let body = try await request.body.collect(upTo: WebServer.maxBody)
        request.body = RequestBody(buffer: body)
        if request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true,
           let csrf = URLEncodedFields(String(buffer: body))["csrf"], Secrets.equal(csrf, expected) {
            return request
        }
        throw APIError(.forbidden, "a change needs this session's CSRF token (the X-CSRF-Token header or the form field csrf)")
    }

}
