import Foundation
import HummingbirdOTP
import ISPMonCore
import ISPMonConfig
import ISPMonControl
import ISPMonQuery
import ISPMonStore
import Logging
@testable import ISPMonServer
import Synchronization
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The server as a device on the home network would attack it (issue 18), in this process, on
/// a loopback port, over real sockets: the sign-in limit under concurrency, cross-site sign-in
/// posts, DNS rebinding (`Host`), passwords bcrypt would cut short, a TOTP code used twice,
/// token names of dots, and what the answers let a browser or proxy keep.
@Suite(.serialized) struct HostileLANTests {
    static let password = "correct horse battery"
    /// 2026-06-01T00:00:15Z: mid-way through a TOTP step, so that "the same step" is certain.
    static let now = Timestamp(microseconds: 1_780_272_015_000_000)

    /// A store with a password (and a TOTP secret with `totp`), and a server on it.
    final class Server {
        let dir = TempDir()
        let server: WebServer
        let port: UInt16
        /// The TOTP secret, as `auth/totp` keeps it (the HOTP key is its UTF-8).
        let totpSecret: String?
        var client: HTTPClient { HTTPClient(port: port) }

        init(totp: Bool = false, hosts: [String] = []) throws {
            let store = try EventStore(directory: dir.path)
            try AuthStore(storeDirectory: dir.path).setPassword(HostileLANTests.password, totp: totp)
            totpSecret = totp ? try String(contentsOfFile: dir.path + "/auth/totp", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines) : nil
            var settings = WebSettings(listen: .init(host: "127.0.0.1", port: 0))
            settings.clock = .fixed(HostileLANTests.now)
            settings.hosts = hosts
            server = WebServer(queries: Queries(store: store), settings: settings, inProcess: false,
                               checks: RouteTableTests.NoChecks(), logger: Logger(label: "test"))
            try server.start()
            port = UInt16(server.port.load(ordering: .relaxed))
        }

        deinit {
            server.stop()
            dir.cleanup()
        }

        /// `POST /login` with `fields` (form-encoded as given) and `headers`.
        func login(_ fields: String, headers: [(String, String)] = [], host: String? = nil) -> HTTPClient.Response? {
            client.request("POST", "/login", headers: [("Content-Type", "application/x-www-form-urlencoded")] + headers, body: Array(fields.utf8),
                           host: host)
        }

        /// `count` sign-ins sent at once (each on its connection, all sent before any answer is
        /// read); their statuses, sorted.
        func loginsAtOnce(_ count: Int, _ fields: String) -> [Int] {
            let client = client
            let fds = (0..<count).compactMap { _ in
                client.send("POST", "/login", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(fields.utf8), timeout: 60)
            }
            defer { fds.forEach { close($0) } }
            return fds.map { client.receive($0)?.status ?? 0 }.sorted()
        }

        /// Signs in; the session cookie (`name=value`).
        func signIn(code: String? = nil) -> String? {
            let form = "password=" + HostileLANTests.password.replacingOccurrences(of: " ", with: "+") + (code.map { "&totp=" + $0 } ?? "")
            guard let r = login(form), r.status == 303, let cookie = r.header("Set-Cookie") else { return nil }
            return String(cookie.prefix { $0 != ";" })
        }

        /// The TOTP code of the step `steps` away from now, as an authenticator app shows it.
        func code(steps: Int = 0) -> String {
            let n = String(TOTP(secret: totpSecret ?? "").compute(date: Date(timeIntervalSince1970: Double(HostileLANTests.now.microseconds / 1_000_000 + Int64(30 * steps)))))
            return String(repeating: "0", count: 6 - n.count) + n
        }
    }

    static let wrong = "password=not+the+password"

    /// 40 wrong passwords sent at once: only 5 are judged (401), the rest wait (429). When the
    /// failure was counted after the check, all 40 looked at the limit before any had failed.
    @Test func wrongPasswordsSentAtOnceAreCountedBeforeTheyAreChecked() throws {
        let s = try Server()
        let statuses = s.loginsAtOnce(40, Self.wrong)
        #expect(statuses.filter { $0 == 401 }.count == LoginLimiter.perMinute, "\(statuses)")
        #expect(statuses.filter { $0 == 429 }.count == 40 - LoginLimiter.perMinute, "\(statuses)")
        #expect(s.signIn() == nil, "the right password waits out the minute too")
    }

    /// The same for TOTP codes: the right password with wrong codes, sent at once.
    @Test func wrongCodesSentAtOnceAreCountedBeforeTheyAreChecked() throws {
        let s = try Server(totp: true)
        let wrongCode = ["000000", "111111", "222222", "333333"].first { $0 != s.code(steps: -1) && $0 != s.code() && $0 != s.code(steps: 1) } ?? ""
        let form = "password=" + Self.password.replacingOccurrences(of: " ", with: "+") + "&totp=" + wrongCode
        let statuses = s.loginsAtOnce(40, form)
        #expect(statuses.filter { $0 == 401 }.count == LoginLimiter.perMinute, "\(statuses)")
        #expect(statuses.filter { $0 == 429 }.count == 40 - LoginLimiter.perMinute, "\(statuses)")
    }

    /// A right sign-in gives its count back: four failures, a success, then one more failure
    /// is still judged; the sixth attempt of the minute that failed is not.
    @Test func aRightSignInDoesNotCount() throws {
        let s = try Server()
        for i in 0..<4 { #expect(s.login(Self.wrong)?.status == 401, "failure \(i + 1)") }
        #expect(s.signIn() != nil)
        #expect(s.login(Self.wrong)?.status == 401, "the fifth failure")
        #expect(s.login(Self.wrong)?.status == 429, "the sixth")
    }

    /// A code signs in once: the same code again within its step is refused, and counts as a
    /// failure; the next step's code still signs in.
    @Test func aTOTPCodeSignsInOnce() throws {
        let s = try Server(totp: true)
        let code = s.code()
        #expect(s.signIn(code: code) != nil, "the app's code of now")
        let again = s.login("password=" + Self.password.replacingOccurrences(of: " ", with: "+") + "&totp=" + code)
        #expect(again?.status == 401, "the same code twice: \(again?.status ?? 0)")
        #expect(s.signIn(code: s.code(steps: -1)) == nil, "nor an earlier step's")
        #expect(s.signIn(code: s.code(steps: 1)) != nil, "the next step's code (a clock a little ahead)")
    }

    /// A page of another site posting to /login (the browser says so in Origin or
    /// Sec-Fetch-Site) is refused before it counts: twenty of them leave the owner free to sign in.
    @Test func crossSiteSignInsAreRefusedBeforeTheyCount() throws {
        let s = try Server()
        let foreign: [[(String, String)]] = [
            [("Origin", "http://evil.example")],
            [("Origin", "null")],
            [("Origin", "http://127.0.0.1:\(s.port + 1)")],
            [("Sec-Fetch-Site", "cross-site")],
            [("Sec-Fetch-Site", "same-site"), ("Origin", "http://127.0.0.1:\(s.port)")],
        ]
        for i in 0..<20 {
            let headers = foreign[i % foreign.count]
            let r = s.login(Self.wrong, headers: headers)
            #expect(r?.status == 403, "\(headers): \(r?.status ?? 0)")
        }
        // The owner's own page: same origin.
        let own = s.login("password=" + Self.password.replacingOccurrences(of: " ", with: "+"),
                          headers: [("Origin", "http://127.0.0.1:\(s.port)"), ("Sec-Fetch-Site", "same-origin")])
        #expect(own?.status == 303, "\(own?.status ?? 0) \(own?.text ?? "")")
        // Chromium under a no-referrer policy: Origin null, but Sec-Fetch-Site decides.
        let nullOrigin = s.login("password=" + Self.password.replacingOccurrences(of: " ", with: "+"),
                                 headers: [("Origin", "null"), ("Sec-Fetch-Site", "same-origin")])
        #expect(nullOrigin?.status == 303, "\(nullOrigin?.status ?? 0)")
        // Behind a reverse proxy Host has no port (nginx's $host): the names are compared.
        let proxied = s.login("password=" + Self.password.replacingOccurrences(of: " ", with: "+"),
                              headers: [("Origin", "https://localhost")], host: "localhost")
        #expect(proxied?.status == 303, "\(proxied?.status ?? 0)")
    }

    /// A `Host` the server was not given is a DNS-rebinding page's: 421, for every route, public
    /// ones too. Addresses, localhost, the machine's name and `web.hosts` are answered.
    @Test func onlyItsOwnNamesAreAnswered() throws {
        let s = try Server(hosts: ["ispmon.home.arpa"])
        let port = s.port
        for host in ["evil.example", "evil.example:\(port)", "ispmon.home.arpa.evil.example", "127.1", "2130706433:\(port)", "[::1"] {
            for path in ["/healthz", "/login", "/api/v1/status", "/"] {
                let r = s.client.get(path, host: host)
                #expect(r?.status == 421, "\(host) \(path): \(r?.status ?? 0)")
            }
        }
        let own = AllowedHosts.hostName() ?? "localhost"
        for host in ["127.0.0.1:\(port)", "127.0.0.1", "localhost:\(port)", "LOCALHOST", "app.localhost:\(port)", "[::1]:\(port)",
                     "192.0.2.10:8080", "[2001:db8::1]", "ispmon.home.arpa", "ISPMON.Home.Arpa.:\(port)", own] {
            let r = s.client.get("/healthz", host: host)
            #expect(r?.status == 200, "\(host): \(r?.status ?? 0) \(r?.text ?? "")")
        }
        // Two Host headers: the second would be another server's name.
        let twice = s.client.get("/healthz", headers: [("Host", "evil.example")])
        #expect(twice?.status == 400, "\(twice?.status ?? 0)")
    }

    /// A password with a NUL (bcrypt's C string ends there) or past bcrypt's 72 bytes (which it
    /// ignores) signs nobody in, even when what bcrypt would read of it is the password.
    @Test func passwordsBcryptWouldCutShortSignNobodyIn() throws {
        let s = try Server()
        let form = "password=" + Self.password.replacingOccurrences(of: " ", with: "+")
        #expect(s.login(form + "%00anything")?.status == 401, "the password, a NUL and more")
        let long = String(repeating: "x", count: 72)
        try AuthStore(storeDirectory: s.dir.path).setPassword(long)
        #expect(s.login("password=" + long + "y")?.status == 401, "the 72 bytes and one more")
        #expect(s.login("password=" + long)?.status == 303, "the 72 bytes themselves")
        // Nor can such a password be set.
        let auth = AuthStore(storeDirectory: s.dir.path)
        #expect(throws: AuthError.self) { try auth.setPassword("a\0bcdefghijklm") }
        #expect(throws: AuthError.self) { try auth.setPassword(long + "y") }
        #expect(throws: AuthError.self) { try auth.setPassword(String(repeating: "é", count: 37)) }  // 74 bytes, 37 characters
        #expect(AuthStore.passwordProblem(String(repeating: "é", count: 36)) == nil, "72 bytes")
        #expect(auth.verifyPassword(long), "nothing changed")
    }

    /// A password change from the settings page is held to the same rules, and its wrong
    /// current passwords sent at once are counted before they are checked.
    @Test func thePasswordChangeRefusesWhatBcryptWouldCutShort() throws {
        let s = try Server()
        guard let cookie = s.signIn() else { Issue.record("sign-in failed"); return }
        let csrf = AuthStore.csrfToken(session: String(cookie.split(separator: "=", maxSplits: 1).last ?? ""))
        let current = Self.password.replacingOccurrences(of: " ", with: "+")
        func change(_ current: String, _ new: String) -> HTTPClient.Response? {
            s.client.request("POST", "/settings/password", headers: [("Cookie", cookie), ("Content-Type", "application/x-www-form-urlencoded")],
                             body: Array("csrf=\(csrf)&current=\(current)&password=\(new)&again=\(new)".utf8))
        }
        let nul = change(current, "short%00padding-to-ten")
        #expect(nul?.status == 400 && nul?.text.contains("NUL") == true, "\(nul?.status ?? 0)")
        let long = change(current, String(repeating: "z", count: 73))
        #expect(long?.status == 400 && long?.text.contains("72") == true, "\(long?.status ?? 0)")
        #expect(AuthStore(storeDirectory: s.dir.path).verifyPassword(Self.password), "nothing changed")
        let client = s.client
        let fds = (0..<12).compactMap { _ in
            client.send("POST", "/settings/password", headers: [("Cookie", cookie), ("Content-Type", "application/x-www-form-urlencoded")],
                        body: Array("csrf=\(csrf)&current=wrong&password=x&again=x".utf8), timeout: 60)
        }
        let statuses = fds.map { client.receive($0)?.status ?? 0 }
        fds.forEach { close($0) }
        #expect(statuses.filter { $0 == 429 }.count == 12 - LoginLimiter.perMinute, "\(statuses)")
    }

    /// Token names of dots alone are refused (the settings page's revoke path would lose them).
    @Test func tokenNamesOfDotsAreRefused() throws {
        let s = try Server()
        guard let cookie = s.signIn() else { Issue.record("sign-in failed"); return }
        let csrf = AuthStore.csrfToken(session: String(cookie.split(separator: "=", maxSplits: 1).last ?? ""))
        for name in [".", "..", "..."] {
            let r = s.client.request("POST", "/settings/tokens", headers: [("Cookie", cookie), ("Content-Type", "application/x-www-form-urlencoded")],
                                     body: Array("csrf=\(csrf)&name=\(name)".utf8))
            #expect(r?.status == 400, "\(name): \(r?.status ?? 0)")
        }
        #expect(AuthStore(storeDirectory: s.dir.path).tokens.isEmpty)
        #expect(AuthStore.isTokenName("v1.2") && AuthStore.isTokenName(".hidden"), "dots among other characters are fine")
        // One with dots among other characters is made, and revoked from the page.
        let made = s.client.request("POST", "/settings/tokens", headers: [("Cookie", cookie), ("Content-Type", "application/x-www-form-urlencoded")],
                                    body: Array("csrf=\(csrf)&name=.ci.".utf8))
        #expect(made?.status == 200)
        let revoked = s.client.request("POST", "/settings/tokens/.ci./revoke", headers: [("Cookie", cookie), ("Content-Type", "application/x-www-form-urlencoded")],
                                       body: Array("csrf=\(csrf)".utf8))
        #expect(revoked?.status == 303, "\(revoked?.status ?? 0)")
        #expect(AuthStore(storeDirectory: s.dir.path).tokens.isEmpty)
    }

    /// What a session or token reads is never kept by a browser or proxy; the pages' headers
    /// forbid `<base>` and framing in both forms; the assets' tags are their contents' digests.
    @Test func answersAreNotStoredAndHeadersAreTight() throws {
        let s = try Server()
        guard let cookie = s.signIn() else { Issue.record("sign-in failed"); return }
        let token = try AuthStore(storeDirectory: s.dir.path).createToken(name: "reader", readOnly: true, now: Self.now.microseconds)
        let session = [("Cookie", cookie)]
        let bearer = [("Authorization", "Bearer \(token)")]
        for (path, headers) in [("/api/v1/session", session), ("/api/v1/status", session), ("/api/v1/outages?format=csv", bearer),
                                ("/api/v1/events", bearer), ("/api/v1/openapi.json", bearer), ("/metrics", bearer),
                                ("/api/v1/nothing", bearer)] {
            let r = s.client.get(path, headers: headers)
            #expect(r?.header("Cache-Control") == "no-store", "\(path): \(r?.status ?? 0) \(r?.header("Cache-Control") ?? "none")")
            if path != "/api/v1/nothing" { #expect(r?.status == 200, "\(path): \(r?.status ?? 0)") }
        }
        let page = s.client.get("/login")
        #expect(page?.header("Content-Security-Policy") == "default-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
        #expect(page?.header("X-Frame-Options") == "DENY")
        for path in ["/static/app.css", "/static/app.js", "/favicon.ico"] {
            let r = s.client.get(path)
            #expect(r?.status == 200)
            #expect(r?.header("ETag") == "\"" + Secrets.sha256(bytes: r?.body ?? []).prefix(32) + "\"", "\(path): \(r?.header("ETag") ?? "none")")
        }
    }

    /// Under HTTPS (a reverse proxy on this machine says so) the session cookie is
    /// `__Host-ispmon_session`: no other host of the domain, nor a plain-HTTP page, can set one.
    @Test func underHTTPSTheSessionCookieIsAHostCookie() throws {
        let s = try Server()
        let form = "password=" + Self.password.replacingOccurrences(of: " ", with: "+")
        let r = s.login(form, headers: [("X-Forwarded-Proto", "https")])
        let setCookie = r?.header("Set-Cookie") ?? ""
        #expect(r?.status == 303 && setCookie.hasPrefix("__Host-ispmon_session=") && setCookie.contains("; Secure")
                && setCookie.contains("Path=/") && !setCookie.contains("Domain"), "\(setCookie)")
        let cookie = String(setCookie.prefix { $0 != ";" })
        #expect(s.client.get("/api/v1/status", headers: [("Cookie", cookie), ("X-Forwarded-Proto", "https")])?.status == 200)
        let logout = s.client.request("POST", "/logout", headers: [("Cookie", cookie), ("X-Forwarded-Proto", "https"),
                                                                    ("X-CSRF-Token", AuthStore.csrfToken(session: String(cookie.split(separator: "=", maxSplits: 1).last ?? "")))])
        #expect(logout?.status == 303 && logout?.header("Set-Cookie")?.hasPrefix("__Host-ispmon_session=;") == true,
                "\(logout?.header("Set-Cookie") ?? "")")
        #expect(s.client.get("/api/v1/status", headers: [("Cookie", cookie)])?.status == 401, "signed out")
        let plain = s.login(form)
        #expect(plain?.header("Set-Cookie")?.hasPrefix("ispmon_session=") == true, "over plain HTTP, the plain name")
    }
}
