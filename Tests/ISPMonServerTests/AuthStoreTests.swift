import Foundation
import HTTPTypes
import HummingbirdOTP
@testable import ISPMonServer
import Synchronization
import Testing
import TestSupport

/// The sign-in files: what they keep, and that they keep no secret in the clear.
@Suite struct AuthStoreTests {
    @Test func sessionsTokensAndPasswordsRoundTripThroughTheFiles() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let auth = AuthStore(storeDirectory: dir.path)
        #expect(!auth.hasPassword)
        try auth.setPassword("a long enough password")
        #expect(auth.verifyPassword("a long enough password"))
        #expect(!auth.verifyPassword("a long enough passwore"))
        let id = try auth.createSession(now: 1_000)
        #expect(auth.session(id, now: 2_000) != nil)
        #expect(auth.session(id + "0", now: 2_000) == nil)
        #expect(auth.session(id, now: 1_000 + AuthStore.sessionIdle) == nil, "30 days idle ends it")
        // Another instance (another process) sees the same, and a password change ends the session.
        let other = AuthStore(storeDirectory: dir.path)
        #expect(other.session(id, now: 2_000) != nil)
        try other.setPassword("another long password")
        #expect(auth.session(id, now: 3_000) == nil)
        let token = try auth.createToken(name: "ci", readOnly: true, now: 5)
        #expect(auth.token(token)?.readOnly == true)
        #expect(throws: AuthError.self) { try auth.createToken(name: "ci", readOnly: false, now: 6) }
        #expect(throws: AuthError.self) { try auth.createToken(name: "bad name", readOnly: false, now: 6) }
        #expect(try other.revokeToken(name: "ci"))
        #expect(auth.token(token) == nil)
        let hash = try String(contentsOfFile: dir.path + "/auth/password", encoding: .utf8)
        #expect(hash.hasPrefix("$2b$12$") || hash.hasPrefix("$2a$12$") || hash.hasPrefix("$2y$12$"), "bcrypt, cost 12: \(hash)")
    }

    /// A session in use is kept alive: its last use is written back (off the caller's thread,
    /// at most once an hour), so another process, or the server after a restart, sees it.
    @Test func aSessionsUseIsWrittenBack() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let auth = AuthStore(storeDirectory: dir.path)
        try auth.setPassword("a long enough password")
        let id = try auth.createSession(now: 1_000)
        // Used 29 days after it began: without the write-back it would end a day later.
        let used: Int64 = 1_000 + 29 * 24 * 3_600_000_000
        #expect(auth.session(id, now: used) != nil)
        var seen: Int64 = 0
        for _ in 0..<200 {
            seen = AuthStore(storeDirectory: dir.path).session(id, now: used)?.lastSeen ?? 0
            if seen == used { break }
            usleep(10_000)
        }
        #expect(seen == used, "another reader sees the session's last use")
        #expect(AuthStore(storeDirectory: dir.path).session(id, now: used + AuthStore.sessionIdle - 1) != nil,
                "30 days idle count from its last use")
    }

    @Test func totpCodesOfTheCurrentStepAndItsNeighboursAreAccepted() throws {
        // The authenticator's side: RFC 6238's own test vectors (SHA-1, 8 digits) pin the algorithm.
        let rfc = TOTP(secret: "12345678901234567890", length: 8)
        #expect(rfc.compute(date: Date(timeIntervalSince1970: 59)) == 94_287_082)
        #expect(rfc.compute(date: Date(timeIntervalSince1970: 1_111_111_109)) == 7_081_804)
        #expect(rfc.compute(date: Date(timeIntervalSince1970: 1_234_567_890)) == 89_005_924)

        let dir = TempDir()
        defer { dir.cleanup() }
        let auth = AuthStore(storeDirectory: dir.path)
        let uri = try #require(try auth.setPassword("a long enough password", totp: true))
        #expect(uri.hasPrefix("otpauth://totp/"))
        #expect(auth.hasTOTP)
        // What an app that scanned the URI holds: the secret, in base32.
        let encoded = try #require(uri.split(separator: "?").last?.split(separator: "&").first { $0.hasPrefix("secret=") }?.dropFirst(7))
        let secret = try #require(Self.base32(encoded), "base32: \(encoded)")
        let app = TOTP(secret: String(decoding: secret, as: UTF8.self))
        let now = Date(timeIntervalSince1970: 1_780_272_015)  // 2026-06-01T00:00:15Z, mid-step
        func code(_ offset: TimeInterval) -> String {
            let n = String(app.compute(date: now.addingTimeInterval(offset)))
            return String(repeating: "0", count: 6 - n.count) + n
        }
        #expect(auth.verifyTOTP(code(0), at: now), "the app's code of now")
        #expect(auth.verifyTOTP(code(-30), at: now) && auth.verifyTOTP(code(30), at: now), "one 30 s step either side (clocks drift)")
        let accepted = Set([code(-30), code(0), code(30)])
        for far in [-120.0, -90, -60, 60, 90, 120] where !accepted.contains(code(far)) {
            #expect(!auth.verifyTOTP(code(far), at: now), "\(far) s away")
        }
        let other = ["000000", "000001", "000002", "000003"].first { !accepted.contains($0) }
        #expect(other.map { !auth.verifyTOTP($0, at: now) } == true, "a code of no nearby step")
        #expect(!auth.verifyTOTP(String(code(0).dropFirst()), at: now), "six digits")
        #expect(!auth.verifyTOTP(code(0) + "0", at: now), "six digits")
    }

    /// RFC 4648 base32 without padding, as otpauth URIs carry secrets.
    static func base32(_ text: Substring) -> [UInt8]? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bytes: [UInt8] = [], buffer = 0, bits = 0
        for c in text {
            guard let v = alphabet.firstIndex(of: c) else { return nil }
            buffer = (buffer << 5 | v) & 0xFFFF
            bits += 5
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: buffer >> bits))
            }
        }
        return bytes
    }

    /// The server's store answers from memory (no look at the files) until inotify tells of a
    /// change, which another process's change counts from the next look: a new password
    /// (ending every session) and a revoked token, also when `auth/` did not exist at start.
    @Test func aWatchingStoreKnowsTheFilesUntilAnotherProcessChangesThem() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let server = AuthStore(storeDirectory: dir.path, watching: true)
        #expect(server.watch != nil, "inotify is available here")
        #expect(server.known() == nil, "nothing read yet")
        #expect(server.reload().passwordHash == nil)
        #expect(server.known() != nil, "read, and nothing changed since")
        let cli = AuthStore(storeDirectory: dir.path)
        try cli.setPassword("a long enough password")  // creates auth/
        #expect(server.known() == nil, "the new directory is news")
        #expect(server.reload().passwordHash != nil)
        let secret = try cli.createToken(name: "ci", readOnly: true, now: 5)
        #expect(server.known() == nil, "a change within auth/ is news")
        let state = server.reload()
        #expect(server.token(secret, in: state)?.name == "ci")
        #expect(server.known() == state)
        let id = try cli.createSession(now: 1_000)
        let withSession = server.known() ?? server.reload()
        #expect(withSession.sessions.count == 1)
        try cli.setPassword("another long password")
        #expect(server.known() == nil)
        let after = server.reload()
        #expect(server.session(id, now: 2_000, in: after) == nil, "a new password ends every session")
        #expect(try cli.revokeToken(name: "ci"))
        #expect(server.known() == nil)
        #expect(server.token(secret, in: server.reload()) == nil, "a revoked token counts from the next look")
        // A look of the server's own (a session's last use written back) is news too, once.
        _ = try server.createSession(now: 3_000)
        #expect(server.known() == nil)
        #expect(server.reload().sessions.count == 1)
        #expect(server.known() != nil)
    }

    /// bcrypt's pool holds at most `limit` checks; one more is refused at once (`429` with
    /// `Retry-After`, as issue 18 asks: a full queue is too many requests), not queued.
    @Test func thePasswordPoolRefusesChecksBeyondItsLimit() async throws {
        let passwords = PasswordPool()
        defer { passwords.stop() }
        let gate = DispatchSemaphore(value: 0)
        let held = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<PasswordPool.limit {
                    group.addTask {
                        try await passwords.run { gate.wait() }
                    }
                }
                try await group.waitForAll()
            }
        }
        // The first on the thread, the others admitted and waiting.
        while passwords.admitted.load(ordering: .relaxed) < PasswordPool.limit { try await Task.sleep(for: .milliseconds(5)) }
        await #expect {
            try await passwords.run { 1 }
        } throws: { error in
            guard let e = error as? APIError else { return false }
            return e.status == .tooManyRequests && e.headers[.retryAfter].flatMap { Int($0) }.map { $0 > 0 } == true
        }
        for _ in 0..<PasswordPool.limit { gate.signal() }
        try await held.value
        #expect(try await passwords.run { 2 } == 2, "room again once they are done")
    }

    @Test func addressesCompareAcrossIPv4MappedForms() {
        #expect(WebSettings.sameAddress("192.0.2.5", "::ffff:192.0.2.5"))
        #expect(!WebSettings.sameAddress("192.0.2.5", "192.0.2.6"))
        #expect(WebSettings.sameAddress("2001:db8::1", "2001:db8:0::1"))
        #expect(!WebSettings.sameAddress("nonsense", "nonsense"))
    }
}
