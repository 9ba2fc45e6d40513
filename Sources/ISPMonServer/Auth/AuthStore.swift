import Foundation
import ISPMonQuery
import Synchronization

/// Who may sign in and for how long (docs/http.md, "Sign-in and access"), over a store's
/// sign-in files (``AuthFiles``): the admin password (``PasswordHashing``), sessions that end
/// after 30 days unused or when the password changes, API tokens kept as digests, and the
/// CSRF token derived from a session's secret.
///
/// A server reads the files when ``AuthWatch`` says they changed (a new password, which ends
/// every session, or a revoked token counts from the next request) and otherwise answers from
/// what it read: its event loops ask ``known()``, which never touches the disk, and leave the
/// reading (``reload()``) and every change to a thread pool. Without a watch (the CLI, or
/// inotify unavailable) every look reads the files.
public final class AuthStore: Sendable {
    public let directory: String
    let files: AuthFiles
    let watch: AuthWatch?
    /// The files as last read, with the watch's generation when the reading began.
    let read = Mutex<(generation: UInt64, snapshot: Snapshot)?>(nil)
    /// Where sessions' last uses are written back, off the caller's thread.
    let writes = DispatchQueue(label: "ispmon.auth.touch", qos: .utility)
    let touching = Mutex<Set<String>>([])
    /// Sessions end after this long without a request (µs).
    public static let sessionIdle: Int64 = 30 * 24 * 3_600_000_000
    /// A session's last use is written back at most this often (µs): not a write per request.
    static let touchEvery: Int64 = 3_600_000_000
    /// The shortest password `ispmon passwd` and the settings page take.
    public static let minimumPasswordLength = 10
    /// The longest, in UTF-8 bytes: bcrypt ignores what follows.
    public static let maximumPasswordBytes = PasswordHashing.maxBytes

    /// The `auth/` directory of the store in `storeDirectory`; `watching` (a server) keeps
    /// what it read until the files change.
    public init(storeDirectory: String, watching: Bool = false) {
        directory = storeDirectory + "/auth"
        files = AuthFiles(directory: directory)
        watch = watching ? AuthWatch(directory: directory, storeDirectory: storeDirectory) : nil
    }

    // MARK: Reading

    /// What the files say, when that is known without reading them (nothing changed since
    /// the last reading); never blocks.
    func known() -> Snapshot? {
        guard let watch else { return nil }
        let generation = watch.current()
        return read.withLock { r in r.flatMap { $0.generation == generation ? $0.snapshot : nil } }
    }

    /// Reads the files (blocks on the disk).
    func reload() -> Snapshot {
        watch?.watchDirectory()
        let generation = watch?.current() ?? 0
        let snapshot = files.read()
        read.withLock { $0 = (generation, snapshot) }
        return snapshot
    }

    /// What the files say now (reads them unless ``known()`` knows).
    func current() -> Snapshot { known() ?? reload() }

    /// The same for an event loop: a reading goes to `work` (the server's pool).
    func current(using work: any BlockingWork) async throws -> Snapshot {
        if let known = known() { return known }
        return try await work.run { [self] in reload() }
    }

    /// Whether an admin password is set (until one is, nobody can sign in).
    public var hasPassword: Bool { current().passwordHash != nil }
    public var hasTOTP: Bool { current().totpSecret != nil }

    /// Checks the password (bcrypt: slow on purpose; call it off the event loop).
    public func verifyPassword(_ password: String) -> Bool {
        guard let hash = current().passwordHash else { return false }
        return PasswordHashing.verify(password, hash: hash)
    }

    /// Checks a TOTP code against the secret (any code when none is set).

    func verifyTOTP(_ code: String, at now: Date) -> Bool {
        guard let secret = current().totpSecret else { return true }
        return PasswordHashing.verifyTOTP(code, secret: secret, at: now)
    }

    /// The session whose id is `id`, unless it ended or has been idle too long; notes its use.
    public func session(_ id: String, now: Int64) -> Session? { session(id, now: now, in: current()) }

    /// The same, in a snapshot the caller took (one look per request).
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

    // MARK: Changing (each blocks on the disk: off the event loops)

    /// Why `password` cannot be the admin's, or nil: shorter than 10 characters, or what bcrypt
    /// would not read whole (``isReadWhole(_:)``). Refused rather than pre-hashed: a pre-hash
    /// (bcrypt of a SHA-256) would change what every stored hash means, and nobody types more
    /// than 72 bytes into a sign-in form.
    public static func passwordProblem(_ password: String) -> String? {
        if password.utf8.contains(0) { return "a password cannot hold a NUL byte" }
        if password.utf8.count > maximumPasswordBytes {
            return "a password has at most \(maximumPasswordBytes) bytes (bcrypt ignores the rest); this one has \(password.utf8.count)"
        }
        if password.count < minimumPasswordLength { return "a password needs at least \(minimumPasswordLength) characters" }
        return nil
    }

    /// Whether bcrypt reads all of `password`: no NUL (which ends its C string: `abc\0…` would
    /// be `abc`) and at most 72 bytes (it ignores the rest).
    static func isReadWhole(_ password: String) -> Bool {
        password.utf8.count <= maximumPasswordBytes && !password.utf8.contains(0)
    }

    /// Sets the admin password (and with `totp`, a new TOTP secret, whose otpauth URI is
    /// returned; with `removeTOTP`, none), ending every session; one that
    /// ``passwordProblem(_:)`` refuses is an error, and nothing changes.
    @discardableResult
    public func setPassword(_ password: String, totp: Bool = false, removeTOTP: Bool = false,
                            label: String = "ispmon") throws -> String? {
        if let problem = AuthStore.passwordProblem(password) { throw AuthError(problem + ": nothing changed") }
        let hash = PasswordHashing.hash(password)
        var uri: String?
        try change { state in
            state.passwordHash = hash
            state.sessions = [:]
            if totp {
                let new = PasswordHashing.newTOTP(label: label)
                state.totpSecret = new.secret
                uri = new.uri
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
        guard AuthStore.isTokenName(name) else { throw AuthError("'\(name)' is not a token name (letters, digits, - _ . up to 64, not dots alone)") }
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

    /// Letters, digits, `-`, `_` and `.`, up to 64, and not dots alone: `.` and `..` would be
    /// lost from the settings page's revoke path (`/settings/tokens/../revoke` collapses).
    public static func isTokenName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && !name.allSatisfy({ $0 == "." })
            && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
    }

    func change(_ body: (inout Snapshot) throws -> Void) throws {
        try files.change(body)
        // Read again at the next look, whatever the watch has seen by then.
        read.withLock { $0 = nil }
    }

    /// A random password for `ispmon init`: 20 characters without look-alikes (about 110 bits).
    public static func randomPassword() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
