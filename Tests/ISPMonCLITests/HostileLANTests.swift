import Foundation
import ISPMonCore
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `ispmon serve` as a device on the home network would attack it (issue 18), on a loopback
/// port, over real sockets: the sign-in limit under concurrency, cross-site sign-in posts, DNS
/// rebinding (`Host`), passwords bcrypt would cut short, a TOTP code used twice, token names
/// of dots, and what the answers let a browser or proxy keep. Sign-ins wait for bcrypt (a
/// debug build's, on a machine shared with other tests): their reads are given minutes.
@Suite(.serialized) struct HostileLANTests {
    typealias Served = WebServeTests.Served
    static let password = WebServeTests.password
    static let form = ("Content-Type", "application/x-www-form-urlencoded")
    /// Failed sign-ins a minute per address (docs/http.md).
    static let perMinute = 5
    /// How long a sign-in's answer is waited for.
    static let patience = 300.0
    static let wrong = "password=not+the+password"
    static var right: String { "password=" + password.replacingOccurrences(of: " ", with: "+") }

    static func login(_ s: Served, _ fields: String, headers: [(String, String)] = [], host: String? = nil) -> HTTPClient.Response? {
        s.client.request("POST", "/login", headers: [form] + headers, body: Array(fields.utf8), timeout: patience, host: host)
    }

    /// `count` requests sent at once (each on its connection, all sent before any answer is
    /// read); their statuses, sorted.
    static func atOnce(_ s: Served, _ count: Int, _ path: String, _ fields: String, headers: [(String, String)] = []) -> [Int] {
        let client = s.client
        let fds = (0..<count).compactMap { _ in client.send("POST", path, headers: [form] + headers, body: Array(fields.utf8), timeout: patience) }
        defer { fds.forEach { close($0) } }
        return fds.map { client.receive($0)?.status ?? 0 }.sorted()
    }

    /// The session cookie (`name=value`) of a sign-in with `fields`, nil when it failed.
    static func signIn(_ s: Served, _ fields: String = right) -> String? {
        guard let r = login(s, fields), r.status == 303, let cookie = r.header("Set-Cookie") else { return nil }
        return String(cookie.prefix { $0 != ";" })
    }

    static func csrf(_ s: Served, _ cookie: String) -> String {
        ((s.client.get("/api/v1/session", headers: [("Cookie", cookie)])?.json as? [String: Any])?["csrf"] as? String) ?? ""
    }

    /// 40 wrong passwords sent at once: only 5 are judged (401), the rest wait (429). When the
    /// failure was counted after the check, all 40 looked at the limit before any had failed.
    @Test func wrongPasswordsSentAtOnceAreCountedBeforeTheyAreChecked() throws {
        let s = try Served()
        let statuses = Self.atOnce(s, 40, "/login", Self.wrong)
        #expect(statuses.filter { $0 == 401 }.count == Self.perMinute, "\(statuses)")
        #expect(statuses.filter { $0 == 429 }.count == 40 - Self.perMinute, "\(statuses)")
        #expect(Self.signIn(s) == nil, "the right password waits out the minute too")
    }

    /// A right sign-in gives its count back: four failures, a success, then one more failure
    /// is still judged; the sixth attempt of the minute that failed is not.
    @Test func aRightSignInDoesNotCount() throws {
        let s = try Served()
        for i in 0..<4 { #expect(Self.login(s, Self.wrong)?.status == 401, "failure \(i + 1)") }
        #expect(Self.signIn(s) != nil)
        #expect(Self.login(s, Self.wrong)?.status == 401, "the fifth failure")
        #expect(Self.login(s, Self.wrong)?.status == 429, "the sixth")
    }

    /// A store whose password has a TOTP second factor, and the authenticator app's codes.
    struct TOTPStore {
        let served: Served
        /// The HOTP key: the UTF-8 of the secret `auth/totp` keeps (the URI carries it in base32).
        let key: String

        init() throws {
            served = try Served(password: false)
            let set = try CLI.run(["passwd", "--totp"], stdin: Data((HostileLANTests.password + "\n").utf8), data: served.store)
            #expect(set.status == 0, "\(set.stderr)")
            key = try String(contentsOfFile: served.store + "/auth/totp", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// The code of the step `steps` away from `date`, as the app shows it (RFC 6238: HMAC-SHA1
        /// of the step number, by openssl, truncated to 6 digits).
        func code(_ date: Date, steps: Int = 0) throws -> String {
            let step = UInt64(date.timeIntervalSince1970 / 30) &+ UInt64(bitPattern: Int64(steps))
            let counter = (0..<8).map { UInt8(truncatingIfNeeded: step >> (56 - 8 * $0)) }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            p.arguments = ["dgst", "-sha1", "-mac", "HMAC", "-macopt", "key:" + key, "-binary"]
            let input = Pipe(), output = Pipe()
            p.standardInput = input
            p.standardOutput = output
            try p.run()
            try input.fileHandleForWriting.write(contentsOf: Data(counter))
            try input.fileHandleForWriting.close()
            let mac = [UInt8](output.fileHandleForReading.readDataToEndOfFile())
            p.waitUntilExit()
            guard mac.count == 20 else { throw MissingTool("openssl's HMAC-SHA1 gave \(mac.count) bytes") }
            let offset = Int(mac[19] & 0x0F)
            let value = (UInt32(mac[offset] & 0x7F) << 24 | UInt32(mac[offset + 1]) << 16 | UInt32(mac[offset + 2]) << 8 | UInt32(mac[offset + 3])) % 1_000_000
            let digits = String(value)
            return String(repeating: "0", count: 6 - digits.count) + digits
        }
    }

    /// The same for TOTP codes: the right password with wrong codes, sent at once.
    @Test func wrongCodesSentAtOnceAreCountedBeforeTheyAreChecked() throws {
        let t = try TOTPStore()
        let now = Date()
        let near = Set(try (-2...2).map { try t.code(now, steps: $0) })
        let wrongCode = ["000000", "111111", "222222", "333333", "444444", "555555"].first { !near.contains($0) } ?? ""
        let statuses = Self.atOnce(t.served, 40, "/login", Self.right + "&totp=" + wrongCode)
        #expect(statuses.filter { $0 == 401 }.count == Self.perMinute, "\(statuses)")
        #expect(statuses.filter { $0 == 429 }.count == 40 - Self.perMinute, "\(statuses)")
    }

    /// A code signs in once: the same code again is refused (and counts as a failure), so is an
    /// earlier step's; the next step's code (a phone's clock a little ahead) still signs in.
    @Test func aTOTPCodeSignsInOnce() throws {
        let t = try TOTPStore()
        // Well inside a step, so that "now" is one step for the few sign-ins below (each takes a
        // bcrypt); a step that ends meanwhile only turns the first code into an earlier one.
        while Int(Date().timeIntervalSince1970) % 30 > 20 { usleep(200_000) }
        let now = Date()
        let code = try t.code(now)
        #expect(Self.signIn(t.served, Self.right + "&totp=" + code) != nil, "the app's code of now")
        let again = Self.login(t.served, Self.right + "&totp=" + code)
        #expect(again?.status == 401, "the same code twice: \(again?.status ?? 0)")
        #expect(again?.text.contains("each code signs in once") == true)
        let (earlier, next) = (try t.code(now, steps: -1), try t.code(now, steps: 1))
        #expect(Self.signIn(t.served, Self.right + "&totp=" + earlier) == nil, "nor an earlier step's")
        #expect(Self.signIn(t.served, Self.right + "&totp=" + next) != nil, "the next step's")
    }

    /// A page of another site posting to /login (the browser says so in Origin or
    /// Sec-Fetch-Site) is refused before it counts: twenty of them leave the owner free to sign in.
    @Test func crossSiteSignInsAreRefusedBeforeTheyCount() throws {
        let s = try Served()
        let own = "http://127.0.0.1:\(s.port)"
        let foreign: [[(String, String)]] = [
            [("Origin", "http://evil.example")],
            [("Origin", "null")],
            [("Origin", "http://127.0.0.1:\(s.port + 1)")],
            [("Sec-Fetch-Site", "cross-site")],
            [("Sec-Fetch-Site", "same-site"), ("Origin", own)],
        ]
        for i in 0..<20 {
            let headers = foreign[i % foreign.count]
            let r = Self.login(s, Self.wrong, headers: headers)
            #expect(r?.status == 403, "\(headers): \(r?.status ?? 0)")
        }
        // The owner's own page: same origin.
        let same = Self.login(s, Self.right, headers: [("Origin", own), ("Sec-Fetch-Site", "same-origin")])
        #expect(same?.status == 303, "\(same?.status ?? 0) \(same?.text ?? "")")
        // A browser whose page sent Origin: null (a no-referrer policy): Sec-Fetch-Site decides.
        let nullOrigin = Self.login(s, Self.right, headers: [("Origin", "null"), ("Sec-Fetch-Site", "same-origin")])
        #expect(nullOrigin?.status == 303, "\(nullOrigin?.status ?? 0)")
        // Behind a reverse proxy Host has no port (nginx's $host): the names are compared.
        let proxied = Self.login(s, Self.right, headers: [("Origin", "https://localhost")], host: "localhost")
        #expect(proxied?.status == 303, "\(proxied?.status ?? 0)")
    }

    /// A `Host` the server was not given is a DNS-rebinding page's: 421, for every route, public
    /// ones too. Addresses, localhost, the machine's name and `web.hosts` are answered.
    @Test func onlyItsOwnNamesAreAnswered() throws {
        let s = try Served(config: "web:\n  hosts: [ispmon.home.arpa]\n")
        let port = s.port
        for host in ["evil.example", "evil.example:\(port)", "ispmon.home.arpa.evil.example", "127.1", "2130706433:\(port)", "[::1"] {
            for path in ["/healthz", "/login", "/api/v1/status", "/"] {
                let r = s.client.get(path, host: host)
                #expect(r?.status == 421, "\(host) \(path): \(r?.status ?? 0)")
            }
        }
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, 255)
        let own = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
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
        let s = try Served()
        #expect(Self.login(s, Self.right + "%00anything")?.status == 401, "the password, a NUL and more")
        let long = String(repeating: "x", count: 72)
        #expect(try CLI.run(["passwd"], stdin: Data((long + "\n").utf8), data: s.store).status == 0)
        #expect(Self.login(s, "password=" + long + "y")?.status == 401, "the 72 bytes and one more")
        #expect(Self.login(s, "password=" + long)?.status == 303, "the 72 bytes themselves")
    }

    /// A password change from the settings page is held to the same rules, and its wrong
    /// current passwords sent at once are counted before they are checked.
    @Test func thePasswordChangeRefusesWhatBcryptWouldCutShort() throws {
        let s = try Served()
        guard let cookie = Self.signIn(s) else { Issue.record("sign-in failed"); return }
        let token = Self.csrf(s, cookie)
        let current = Self.password.replacingOccurrences(of: " ", with: "+")
        func change(_ new: String) -> HTTPClient.Response? {
            s.client.request("POST", "/settings/password", headers: [("Cookie", cookie), Self.form],
                             body: Array("csrf=\(token)&current=\(current)&password=\(new)&again=\(new)".utf8), timeout: Self.patience)
        }
        let nul = change("short%00padding-to-ten")
        #expect(nul?.status == 400 && nul?.text.contains("NUL") == true, "\(nul?.status ?? 0)")
        let long = change(String(repeating: "z", count: 73))
        #expect(long?.status == 400 && long?.text.contains("72") == true, "\(long?.status ?? 0)")
        #expect(Self.signIn(s) != nil, "nothing changed")
        let statuses = Self.atOnce(s, 12, "/settings/password", "csrf=\(token)&current=wrong&password=x&again=x", headers: [("Cookie", cookie)])
        #expect(statuses.filter { $0 == 429 }.count == 12 - Self.perMinute, "\(statuses)")
    }

    /// Token names of dots alone are refused (the settings page's revoke path would lose them).
    @Test func tokenNamesOfDotsAreRefused() throws {
        let s = try Served()
        guard let cookie = Self.signIn(s) else { Issue.record("sign-in failed"); return }
        let token = Self.csrf(s, cookie)
        func post(_ path: String, _ body: String) -> HTTPClient.Response? {
            s.client.request("POST", path, headers: [("Cookie", cookie), Self.form], body: Array(("csrf=\(token)&" + body).utf8))
        }
        for name in [".", "..", "..."] {
            let r = post("/settings/tokens", "name=\(name)")
            #expect(r?.status == 400 && r?.text.contains("not dots alone") == true, "\(name): \(r?.status ?? 0)")
        }
        #expect(try CLI.run(["token", "list"], data: s.store).out.contains("..") == false)
        // One with dots among other characters is made, and revoked from the page.
        #expect(post("/settings/tokens", "name=.ci.")?.status == 200)
        let revoked = post("/settings/tokens/.ci./revoke", "")
        #expect(revoked?.status == 303, "\(revoked?.status ?? 0)")
        #expect(try CLI.run(["token", "list"], data: s.store).out.contains(".ci.") == false)
    }

    /// What a session or token reads is never kept by a browser or proxy; the pages' headers
    /// forbid `<base>` and framing in both forms; the assets' tags are their contents' digests.
    @Test func answersAreNotStoredAndHeadersAreTight() throws {
        let s = try Served()
        guard let cookie = Self.signIn(s) else { Issue.record("sign-in failed"); return }
        let token = try CLI.run(["token", "create", "reader", "--read-only"], data: s.store).out.split(separator: "\n").last.map(String.init) ?? ""
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
        let version = ISPMonVersion.current
        for path in ["/static/app.css", "/static/app.js", "/favicon.ico"] {
            let r = s.client.get(path)
            #expect(r?.status == 200)
            let digest = try SystemTool.sha256(r?.body ?? [], in: s.dir)
            #expect(r?.header("ETag") == "\"" + digest.prefix(32) + "\"", "\(path): \(r?.header("ETag") ?? "none")")
            #expect(r?.header("ETag")?.contains(version) == false, "not the version \(version)")
        }
    }

    /// Under HTTPS (a reverse proxy on this machine says so) the session cookie is
    /// `__Host-ispmon_session`: no other host of the domain, nor a plain-HTTP page, can set one.
    @Test func underHTTPSTheSessionCookieIsAHostCookie() throws {
        let s = try Served()
        let r = Self.login(s, Self.right, headers: [("X-Forwarded-Proto", "https")])
        let setCookie = r?.header("Set-Cookie") ?? ""
        #expect(r?.status == 303 && setCookie.hasPrefix("__Host-ispmon_session=") && setCookie.contains("; Secure")
                && setCookie.contains("Path=/") && !setCookie.contains("Domain"), "\(setCookie)")
        let cookie = String(setCookie.prefix { $0 != ";" })
        let https = ("X-Forwarded-Proto", "https")
        #expect(s.client.get("/api/v1/status", headers: [("Cookie", cookie), https])?.status == 200)
        let logout = s.client.request("POST", "/logout", headers: [("Cookie", cookie), https, ("X-CSRF-Token", Self.csrf(s, cookie))])
        #expect(logout?.status == 303 && logout?.header("Set-Cookie")?.hasPrefix("__Host-ispmon_session=;") == true,
                "\(logout?.header("Set-Cookie") ?? "")")
        #expect(s.client.get("/api/v1/status", headers: [("Cookie", cookie)])?.status == 401, "signed out")
        let plain = Self.login(s, Self.right)
        #expect(plain?.header("Set-Cookie")?.hasPrefix("ispmon_session=") == true, "over plain HTTP, the plain name")
    }
}
