import Foundation
@testable import ISPMonServer
import Testing

/// The rules of the sign-in, as pure logic (the server's own tests, HostileLANTests, hold them
/// against a real `ispmon serve`): the limiter counts an attempt as it lets it in, a TOTP step
/// signs in once, and which origins and names are the server's own.
@Suite struct SignInRulesTests {
    @Test func theLimiterCountsAnAttemptWhenItLetsItIn() {
        let limiter = LoginLimiter()
        // 40 at once, none judged yet: 5 let in.
        let tries = (0..<40).map { _ in limiter.admit("192.0.2.5", now: 1_000_000) }
        let admitted = tries.compactMap { try? $0.get() }
        #expect(admitted.count == LoginLimiter.perMinute)
        #expect(tries.allSatisfy { if case .failure(let r) = $0 { r.seconds == 60 } else { true } }, "a minute from the oldest")
        #expect((try? limiter.admit("192.0.2.6", now: 1_000_000).get()) != nil, "per address")
        // One of them was right, one never judged: two places again, no more.
        limiter.succeeded(admitted[0])
        limiter.unjudged(admitted[1])
        #expect((try? limiter.admit("192.0.2.5", now: 2_000_000).get()) != nil)
        #expect((try? limiter.admit("192.0.2.5", now: 2_000_000).get()) != nil)
        #expect((try? limiter.admit("192.0.2.5", now: 2_000_000).get()) == nil)
        #expect((try? limiter.admit("192.0.2.5", now: 1_000_000 + LoginLimiter.window).get()) != nil, "a minute later")
    }

    @Test func aTOTPStepSignsInOnce() {
        let replay = TOTPReplay()
        #expect(replay.accept(100, secret: "a"))
        #expect(!replay.accept(100, secret: "a"), "the same step")
        #expect(!replay.accept(99, secret: "a"), "an earlier one")
        #expect(replay.accept(101, secret: "a"), "the next")
        #expect(replay.accept(50, secret: "b"), "a new secret starts afresh")
    }

    @Test func originsAreComparedWithTheHost() {
        #expect(SameOrigin.matches(origin: "http://192.0.2.5:8080", host: "192.0.2.5:8080"))
        #expect(SameOrigin.matches(origin: "https://ispmon.example.net", host: "ispmon.example.net"), "behind nginx: no port in Host")
        #expect(SameOrigin.matches(origin: "https://ISPMON.example.net:8443", host: "ispmon.example.net"))
        #expect(SameOrigin.matches(origin: "http://[2001:db8::1]:8080", host: "[2001:db8::1]:8080"))
        #expect(SameOrigin.matches(origin: "http://192.0.2.5", host: "192.0.2.5:80"), "the scheme's port")
        for (origin, host) in [("http://evil.example", "192.0.2.5:8080"), ("null", "192.0.2.5:8080"), ("http://192.0.2.5:8081", "192.0.2.5:8080"),
                               ("https://192.0.2.5", "192.0.2.5:80"), ("ftp://192.0.2.5:8080", "192.0.2.5:8080"), ("http://192.0.2.5:8080", "")] {
            #expect(!SameOrigin.matches(origin: origin, host: host), "\(origin) for \(host)")
        }
    }

    @Test func theNamesAnswered() {
        let allowed = AllowedHosts(configured: ["ispmon.home.arpa", "NAS.Local."], listen: "::")
        for host in ["192.0.2.5:8080", "[::1]:8080", "[2001:db8::1]", "localhost", "x.localhost:1", "ispmon.home.arpa.", "nas.local:8080"] {
            #expect(allowed.accepts(host), "\(host)")
        }
        for host in ["evil.example", "127.1", "2130706433", "0x7f.0.0.1", "ispmon.home.arpa.evil.example", "localhost.evil.example", "[::1", ""] {
            #expect(!allowed.accepts(host), "\(host)")
        }
        #expect(allowed.accepts(nil), "HTTP/1.0 without Host")
    }
}
