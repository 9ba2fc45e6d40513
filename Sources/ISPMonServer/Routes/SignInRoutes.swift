import Foundation
import Hummingbird
import ISPMonCharts
import ISPMonCore
import ISPMonQuery
import ISPMonStore
import Logging
import NIOCore
import NIOPosix

/// Signing in and out, the session's CSRF token, and the health check.
struct SignInRoutes {
    let auth: AuthStore
    let queries: Queries
    let limiter = LoginLimiter()
    let pool: NIOThreadPool

    func add(to router: Router<WebContext>) {
        router.get("healthz") { _, _ in
            let last = try await pool.runIfActive { try queries.store.lastSeq() }
            var o = JSONObject()
            o.bool("ok", true)
            o.int("last_seq", Int64(last))
            return json(o.finished())
        }
        router.get("login") { _, _ in page(SignInPage.html(error: nil, totp: auth.hasTOTP, passwordSet: auth.hasPassword)) }
        router.post("login") { request, context in try await signIn(request, context) }
        router.post("logout") { request, context in
            if case .session(let id) = context.access { try auth.endSession(id) }
            return Response(status: .seeOther, headers: [.location: "/login", .setCookie: cookie("", maxAge: 0, request, context)])
        }
        router.get("api/v1/session") { request, context in
            _ = try QueryParameters(request, allowed: [])
            guard case .session(let id) = context.access else {
                throw APIError(.badRequest, "a token needs no CSRF token: this is for signed-in browsers")
            }
            var o = JSONObject()
            o.string("csrf", AuthStore.csrfToken(session: id))
            let last = auth.session(id, now: AccessControl.now())?.lastSeen ?? AccessControl.now()
            o.time("expires", last + AuthStore.sessionIdle)
            return json(o.finished())
        }
    }

    func signIn(_ request: Request, _ context: WebContext) async throws -> Response {
        let client = context.remoteAddress ?? "unknown"
        let now = AccessControl.now()
        if let wait = limiter.retryAfter(client, now: now) {
            throw APIError(.tooManyRequests, "too many failed sign-ins from \(client): try again in \(wait) s",
                           headers: [.retryAfter: String(wait)])
        }
        guard auth.hasPassword else {
            throw APIError(.serviceUnavailable, "no admin password is set: run `ispmon passwd` for this store first")
        }
        let body = try await request.body.collect(upTo: WebServer.maxBody)
        let form = URLEncodedForm(String(buffer: body))
        let password = form["password"] ?? ""
        let code = form["totp"] ?? ""
        let ok = try await pool.runIfActive { auth.verifyPassword(password) && auth.verifyTOTP(code) }
        guard ok else {
            limiter.failed(client, now: now)
            // The address, never what was typed.
            context.logger.notice("failed sign-in from \(client)")
            var r = page(SignInPage.html(error: "Wrong password\(auth.hasTOTP ? " or code" : "").", totp: auth.hasTOTP, passwordSet: true))
            r.status = .unauthorized
            return r
        }
        let id = try auth.createSession(now: now)
        return Response(status: .seeOther, headers: [.location: "/", .setCookie: cookie(id, maxAge: Int(AuthStore.sessionIdle / 1_000_000), request, context)])
    }

    /// The session cookie; `Secure` when the browser came over HTTPS, which (ispmon serving
    /// plain HTTP) only a reverse proxy on this machine can say.
    func cookie(_ value: String, maxAge: Int, _ request: Request, _ context: WebContext) -> String {
        let secure = ReverseProxy.cameOverHTTPS(request, peer: context.remoteAddress)
        return "\(AccessControl.sessionCookie)=\(value); HttpOnly; SameSite=Strict; Path=/; Max-Age=\(maxAge)" + (secure ? "; Secure" : "")
    }
}

func page(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
             body: .init(byteBuffer: ByteBuffer(string: html)))
}

/// The sign-in page (the web UI's pages replace the placeholder after sign-in): no inline
/// script or style, which the Content-Security-Policy forbids anyway.
enum SignInPage {
    static func html(error: String?, totp: Bool, passwordSet: Bool) -> String {
        let message = error.map { "<p role=\"alert\">\(HTML.escape($0))</p>" } ?? ""
        let unset = passwordSet ? "" : "<p>No admin password is set yet: run <code>ispmon passwd</code> on the machine that keeps this store.</p>"
        let code = totp ? "<label>Code <input name=\"totp\" inputmode=\"numeric\" autocomplete=\"one-time-code\"></label>" : ""
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sign in · ispmon</title></head>
            <body><main><h1>ispmon</h1>\(unset)\(message)
            <form method="post" action="/login">
            <label>Password <input type="password" name="password" autocomplete="current-password" required autofocus></label>
            \(code)<button type="submit">Sign in</button></form></main></body></html>

            """
    }

    static let signedIn = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>ispmon</title></head>
        <body><main><h1>ispmon</h1><p>Signed in. The API is at <a href="/api/v1/status">/api/v1/status</a>.</p></main></body></html>

        """
}

/// Text made safe to put in HTML, as element content or a quoted attribute: the charts' escaping
/// (XML's is HTML's, and it drops the control characters neither may hold).
enum HTML {
    static func escape(_ text: String) -> String { SVG.escape(text) }
}
