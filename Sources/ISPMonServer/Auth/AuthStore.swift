#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation
import HummingbirdBcrypt
import HummingbirdOTP
import Synchronization

/// The sign-in state of a store, in its directory's `auth/` (owner-only): the admin's
/// password as a bcrypt hash, the optional TOTP secret, the sessions and the API tokens,
/// each session and token only as the SHA-256 digest of its secret.
///
/// `ispmon passwd` and `ispmon token` change these files from another process while a
/// server runs; every change is a read-modify-write under an `flock` of `auth/lock` and an
/// atomic rename, and the server looks at the files' identity (inode, size, mtime) at each
/// request, so a new password (which ends every session) or a revoked token counts from
/// the next request.
public final class AuthStore: Sendable {
    public let directory: String
    /// Where sessions' last uses are written back, off the caller's thread.
    let writes = DispatchQueue(label: "ispmon.auth.touch", qos: .utility)
    let touching = Mutex<Set<String>>([])
    /// Sessions end after this long without a request (µs).
    public static let sessionIdle: Int64 = 30 * 24 * 3_600_000_000
    /// A session's last use is written back at most this often (µs): not a write per request.
    static let touchEvery: Int64 = 3_600_000_000
    /// The bcrypt cost: 2^12 rounds, about a quarter of a second on a small machine.
    public static let bcryptCost: UInt8 = 12

    public struct Session: Sendable, Equatable {
        public var digest: String
        public var created: Int64
        public var lastSeen: Int64
    }

    public struct Token: Sendable, Equatable {
        public var name: String
        public var readOnly: Bool
        public var digest: String
        public var created: Int64
    }

    /// What the files said when last read, and how to tell that they changed.
    struct Snapshot: Sendable {
        var identity: [String: FileIdentity] = [:]
        var passwordHash: String?
        var totpSecret: String?
        var sessions: [String: Session] = [:]
        var tokens: [Token] = []
    }

    let snapshot = Mutex(Snapshot())

    /// The `auth/` directory of the store in `storeDirectory`.
    public init(storeDirectory: String) {
        directory = storeDirectory + "/auth"
    }

    // MARK: Reading

    /// The current state, read again if another process changed a file.
    func current() -> Snapshot {
        let ids = Dictionary(uniqueKeysWithValues: AuthStore.files.map { ($0, FileIdentity(path: path($0))) })
        return snapshot.withLock { s in
            if s.identity != ids || s.identity.isEmpty {
                s = read()
                s.identity = ids
            }
            return s
        }
    }

    static let files = ["password", "totp", "sessions", "tokens"]

    func path(_ name: String) -> String { directory + "/" + name }

    func read() -> Snapshot {
        var s = Snapshot()
        s.passwordHash = AuthStore.lines(path("password")).first
        s.totpSecret = AuthStore.lines(path("totp")).first
        for line in AuthStore.lines(path("sessions")) {
            let f = line.split(separator: "\t").map(String.init)
            guard f.count == 3, let c = Int64(f[1]), let l = Int64(f[2]) else { continue }
            s.sessions[f[0]] = Session(digest: f[0], created: c, lastSeen: l)
        }
        for line in AuthStore.lines(path("tokens")) {
            let f = line.split(separator: "\t").map(String.init)
            guard f.count == 4, let c = Int64(f[3]), f[1] == "read" || f[1] == "full" else { continue }
            s.tokens.append(Token(name: f[0], readOnly: f[1] == "read", digest: f[2], created: c))
        }
        return s
    }

    /// A file's non-empty lines (none when it is missing).
    static func lines(_ path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init).filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// Whether an admin password is set (until one is, nobody can sign in).
    public var hasPassword: Bool { current().passwordHash != nil }
    public var hasTOTP: Bool { current().totpSecret != nil }

    /// Checks the password (bcrypt: slow on purpose; call it off the event loop).
    public func verifyPassword(_ password: String) -> Bool {
        guard let hash = current().passwordHash else { return false }
        return Bcrypt.verify(password, hash: hash)
    }

    /// Checks a TOTP code against the secret, one 30 s step either side (clocks drift).
    public func verifyTOTP(_ code: String) -> Bool { verifyTOTP(code, at: Date()) }

    func verifyTOTP(_ code: String, at now: Date) -> Bool {
        guard let secret = current().totpSecret else { return true }
        guard code.count == 6, let value = Int(code) else { return false }
        let totp = TOTP(secret: secret)
        return [-30.0, 0, 30].contains { totp.compute(date: now.addingTimeInterval($0)) == value }
    }

    /// The session whose id is `id`, unless it ended or has been idle too long; notes its use.
    public func session(_ id: String, now: Int64) -> Session? { session(id, now: now, in: current()) }

    /// The same, in a snapshot the caller took (one look at the files per request).
    func session(_ id: String, now: Int64, in snapshot: Snapshot) -> Session? {
        let digest = Secrets.sha256(id)
        guard let s = snapshot.sessions[digest], now - s.lastSeen < AuthStore.sessionIdle else { return nil }
        if now - s.lastSeen > AuthStore.touchEvery { touch(digest, now) }
        return s
    }

    /// Writes a session's last use back, on ``writes`` (the caller is the server's event loop:
    /// an flock, a write and an fsync'd rename must not hold it); once however many requests
    /// of that session arrive meanwhile.
    func touch(_ digest: String, _ now: Int64) {
        guard touching.withLock({ $0.insert(digest).inserted }) else { return }
        writes.async { [self] in
            defer { _ = touching.withLock { $0.remove(digest) } }
            try? change { state in state.sessions[digest]?.lastSeen = now }
        }
    }

    /// The CSRF token of a session: derived from its secret id, so it needs no storage and
    /// only the session's owner can know it.
    public static func csrfToken(session id: String) -> String { Secrets.sha256("ispmon-csrf\0" + id) }

    /// The token `bearer` is, if it is one.
    public func token(_ bearer: String) -> Token? { token(bearer, in: current()) }

    func token(_ bearer: String, in snapshot: Snapshot) -> Token? {
        let digest = Secrets.sha256(bearer)
        return snapshot.tokens.first { Secrets.equal($0.digest, digest) }
    }

    public var tokens: [Token] { current().tokens }

    /// The shortest password `ispmon passwd` and the settings page take.
    public static let minimumPasswordLength = 10

    // MARK: Changing

    /// Sets the admin password (and with `totp`, a new TOTP secret, whose otpauth URI is
    /// returned; with `removeTOTP`, none), ending every session.
    @discardableResult
    public func setPassword(_ password: String, totp: Bool = false, removeTOTP: Bool = false,
                            label: String = "ispmon") throws -> String? {
        let hash = Bcrypt.hash(password, cost: AuthStore.bcryptCost)
        var uri: String?
        try change { state in
            state.passwordHash = hash
            state.sessions = [:]
            if totp {
                // HOTP keys with the secret's UTF-8 bytes (the URI carries them in base32).
                let secret = Secrets.randomHex(bytes: 20)
                state.totpSecret = secret
                uri = TOTP(secret: secret).createAuthenticatorURL(label: label, issuer: "ispmon")
            } else if removeTOTP {
                state.totpSecret = nil
            }
        }
        return uri
    }

    /// Starts a session; returns its id (the cookie's value).
    public func createSession(now: Int64) throws -> String {
        let id = Secrets.randomHex()
        let digest = Secrets.sha256(id)
        try change { state in
            // Sessions idle too long are dropped as new ones come.
            state.sessions = state.sessions.filter { now - $0.value.lastSeen < AuthStore.sessionIdle }
            state.sessions[digest] = Session(digest: digest, created: now, lastSeen: now)
        }
        return id
    }

    public func endSession(_ id: String) throws {
        let digest = Secrets.sha256(id)
        try change { state in state.sessions[digest] = nil }
    }

    /// A new API token named `name`; returns its secret (shown once).
    public func createToken(name: String, readOnly: Bool, now: Int64) throws -> String {
        guard AuthStore.isTokenName(name) else { throw AuthError("'\(name)' is not a token name (letters, digits, - _ . up to 64)") }
        let secret = "ispmon_" + Secrets.randomHex()
        try change { state in
            guard !state.tokens.contains(where: { $0.name == name }) else { throw AuthError("a token named '\(name)' exists: revoke it first") }
            state.tokens.append(Token(name: name, readOnly: readOnly, digest: Secrets.sha256(secret), created: now))
        }
        return secret
    }

    /// Revokes the token `name`; false when there is none.
    public func revokeToken(name: String) throws -> Bool {
        var found = false
        try change { state in
            found = state.tokens.contains { $0.name == name }
            state.tokens.removeAll { $0.name == name }
        }
        return found
    }

    public static func isTokenName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
    }

    /// Reads the files afresh under the lock, lets `body` change them, and writes back what changed.
    func change(_ body: (inout Snapshot) throws -> Void) throws {
        try makeDirectory()
        let lock = open(path("lock"), O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw AuthError("cannot open \(path("lock")): \(String(cString: strerror(errno)))") }
        if let (uid, gid) = owner { fchown(lock, uid, gid) }
        defer { close(lock) }
        guard flock(lock, LOCK_EX) == 0 else { throw AuthError("cannot lock \(path("lock")): \(String(cString: strerror(errno)))") }
        let before = read()
        var after = before
        try body(&after)
        if after.passwordHash != before.passwordHash { try write("password", after.passwordHash.map { [$0] } ?? []) }
        if after.totpSecret != before.totpSecret { try write("totp", after.totpSecret.map { [$0] } ?? []) }
        if after.sessions != before.sessions {
            try write("sessions", after.sessions.values.sorted { $0.created < $1.created }.map { "\($0.digest)\t\($0.created)\t\($0.lastSeen)" })
        }
        if after.tokens != before.tokens {
            try write("tokens", after.tokens.map { "\($0.name)\t\($0.readOnly ? "read" : "full")\t\($0.digest)\t\($0.created)" })
        }
        snapshot.withLock { $0.identity = [:] }  // read again at the next look
    }

    func makeDirectory() throws {
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw AuthError("cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        chmod(directory, 0o700)
        if let (uid, gid) = owner { chown(directory, uid, gid) }
    }

    /// Who must own `auth/` and its files: the store directory's owner, when root changes them
    /// (`sudo ispmon passwd` for a service that runs as its own user must leave files that
    /// user can read); nil when not root.
    var owner: (uid_t, gid_t)? {
        guard geteuid() == 0,
              let a = try? FileManager.default.attributesOfItem(atPath: (directory as NSString).deletingLastPathComponent),
              let uid = (a[.ownerAccountID] as? NSNumber)?.uint32Value,
              let gid = (a[.groupOwnerAccountID] as? NSNumber)?.uint32Value else { return nil }
        return (uid, gid)
    }

    /// Replaces a file atomically (a temporary file, fsync, rename), readable by its owner only.
    func write(_ name: String, _ lines: [String]) throws {
        let final = path(name), temporary = path("." + name + ".new")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AuthError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        if let (uid, gid) = owner { fchown(fd, uid, gid) }
        let bytes = Array(lines.map { $0 + "\n" }.joined().utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced, rename(temporary, final) == 0 else {
            unlink(temporary)
            throw AuthError("cannot write \(final): \(String(cString: strerror(errno)))")
        }
    }

    /// A random password for `ispmon init`: 20 characters without look-alikes (about 110 bits).
    public static func randomPassword() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}

/// What is wrong with the sign-in files or a request to change them.
public struct AuthError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
