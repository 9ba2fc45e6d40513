import Foundation
import Hummingbird
import ISPMonCharts
import ISPMonCore
import ISPMonQuery
import Logging
import NIOCore
import NIOPosix

/// Signing in and out, the session's CSRF token, and the health check.
struct SignInRoutes {
    let auth: AuthStore
    let queries: Queries
    let limiter: LoginLimiter
    let pool: NIOThreadPool
    /// bcrypt's own thread.
    let passwords: PasswordPool
    let renderer: PageRenderer
    let publicStatus: Bool
    let clock: WallClock
    /// The TOTP steps used: a code signs in once.
    let replay: TOTPReplay

    func add(to router: RouteTable) {
        router.get("healthz") { _, _ in
            let last = try await pool.runIfActive { try queries.lastSeq() }
            var o = JSONObject()
            o.bool("ok", true)
            o.int("last_seq", Int64(last))
            return json(o.finished())
        }
        router.get("login") { _, _ in signInPage(error: nil, try await auth.current(using: work)) }
        router.post("login") { request, context in try await signIn(request, context) }
        router.post("logout") { request, context in
            // An flock, a write and an fsync'd rename: on the pool.
            if case .session(let id) = context.access { try await pool.runIfActive { try auth.endSession(id) } }
            return Response(status: .seeOther, headers: [.location: "/login", .setCookie: cookie("", maxAge: 0, request, context)])
        }
        router.get("api/v1/session") { request, context in
            _ = try QueryParameters(request, allowed: [])
            guard case .session(let id) = context.access else {
                throw APIError(.badRequest, "a token needs no CSRF token: this is for signed-in browsers")
            }
            var o = JSONObject()
            o.string("csrf", AuthStore.csrfToken(session: id))
            let now = clock.microseconds
            let last = auth.session(id, now: now, in: try await auth.current(using: work))?.lastSeen ?? now
            o.time("expires", last + AuthStore.sessionIdle)
            return json(o.finished())
        }
    }

    /// A sign-in: refused before it counts when another site's page sent it (``SameOrigin``),
    /// then counted before its password and code are checked (``LoginLimiter``), so that
    /// requests sent at once cannot all be judged; a right one gives its count back.
    func signIn(_ request: Request, _ context: WebContext) async throws -> Response {
        try SameOrigin.require(request, "sign in")
        let client = context.remoteAddress ?? "unknown"
        let now = clock.microseconds
        return try await limiter.judged(client, now: now, what: "failed sign-ins") {
            let state = try await auth.current(using: work)
            guard let hash = state.passwordHash else {
                throw APIError(.serviceUnavailable, "no admin password is set: run `ispmon passwd` for this store first")
            }
            let body = try await request.body.collect(upTo: WebServer.maxBody)
            let form = URLEncodedFields(String(buffer: body))
            let password = form["password"] ?? ""
            let code = form["totp"] ?? ""
            let secret = state.totpSecret
            let ok = try await passwords.run { [replay] in
                guard PasswordHashing.verify(password, hash: hash) else { return false }
                guard let secret else { return true }
                // The step is taken only with the right password: a wrong one spends no code.
                guard let step = PasswordHashing.totpStep(of: code, secret: secret, at: clock.date) else { return false }
                return replay.accept(step, secret: secret)
            }
            guard ok else {
                // The address, never what was typed.
                context.logger.notice("failed sign-in from \(client)")
                let error = secret != nil ? "Wrong password or code (each code signs in once: a used one waits for the next)." : "Wrong password."
                return (signInPage(error: error, state, status: .unauthorized), failed: true)
            }
            let id = try await pool.runIfActive { try auth.createSession(now: now) }
            return (Response(status: .seeOther, headers: [.location: "/", .setCookie: cookie(id, maxAge: Int(AuthStore.sessionIdle / 1_000_000), request, context)]),
                    failed: false)
        }
    }

    func signInPage(error: String?, _ state: AuthStore.Snapshot, status: HTTPResponse.Status = .ok) -> Response {
        renderer.publicPage("login", title: "Sign in", values: SignInValues(totp: state.totpSecret != nil, passwordSet: state.passwordHash != nil,
                                                                            publicStatus: publicStatus, error: error), status: status)
    }

    var work: PoolWork { PoolWork(pool: pool) }

    func cookie(_ value: String, maxAge: Int, _ request: Request, _ context: WebContext) -> String {
        SessionCookie.value(value, maxAge: maxAge, request, context)
    }
}

enum SessionCookie {
    /// Its name over plain HTTP.
    static let plain = "ispmon_session"
    /// Its name under HTTPS: the browser keeps a `__Host-` cookie only when it is `Secure`,
    /// `Path=/` and has no `Domain`, so no other host of the domain nor a plain-HTTP page can
    /// set one in its place (a session fixed by a neighbour).
    static let secure = "__Host-ispmon_session"

    /// The session cookie; `Secure` (and named ``secure``) when the browser came over HTTPS,
    /// which (ispmon serving plain HTTP) only a reverse proxy on this machine can say.
    static func value(_ value: String, maxAge: Int, _ request: Request, _ context: WebContext) -> String {
        let https = ReverseProxy.cameOverHTTPS(request, peer: context.remoteAddress)
        return "\(https ? secure : plain)=\(value); HttpOnly; SameSite=Strict; Path=/; Max-Age=\(maxAge)" + (https ? "; Secure" : "")
    }

    /// The session id a request carries, under either name.
    static func id(_ request: Request) -> String? {
        for name in [secure, plain] {
            if let id = request.cookies[name]?.value, !id.isEmpty { return id }
        }
        return nil
    }
}

/// Text made safe to put in HTML, as element content or a quoted attribute: the charts' escaping
/// (XML's is HTML's, and it drops the control characters neither may hold).
enum HTML {
    static func escape(_ text: String) -> String { SVG.escape(text) }
}

/// The values of `login.mustache`.
struct SignInValues {
    var totp: Bool
    var passwordSet: Bool
    var publicStatus: Bool
    /// nil: none (absent from the page, never the word "nil").
    var error: String?
}
