#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation

/// The sign-in files of a store, in its directory's `auth/` (owner-only): `password`,
/// `totp`, `sessions` and `tokens`, one record a line. Every change is a read-modify-write
/// under an `flock` of `auth/lock` and an atomic, fsync'd rename, so `ispmon passwd` and
/// `ispmon token` may change them while a server runs. Everything here blocks on the disk:
/// the server calls it off its event loops.
struct AuthFiles: Sendable {
    let directory: String

    static let names = ["password", "totp", "sessions", "tokens"]

    func path(_ name: String) -> String { directory + "/" + name }

    func read() -> AuthStore.Snapshot {
        var s = AuthStore.Snapshot()
        s.passwordHash = AuthFiles.lines(path("password")).first
        s.totpSecret = AuthFiles.lines(path("totp")).first
        for line in AuthFiles.lines(path("sessions")) {
            let f = line.split(separator: "\t").map(String.init)
            guard f.count == 3, let c = Int64(f[1]), let l = Int64(f[2]) else { continue }
            s.sessions[f[0]] = AuthStore.Session(digest: f[0], created: c, lastSeen: l)
        }
        for line in AuthFiles.lines(path("tokens")) {
            let f = line.split(separator: "\t").map(String.init)
            guard f.count == 4, let c = Int64(f[3]), f[1] == "read" || f[1] == "full" else { continue }
            s.tokens.append(AuthStore.Token(name: f[0], readOnly: f[1] == "read", digest: f[2], created: c))
        }
        return s
    }

    /// A file's non-empty lines (none when it is missing).
    static func lines(_ path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init).filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// Reads the files afresh under the lock, lets `body` change them, and writes back what changed.
    func change(_ body: (inout AuthStore.Snapshot) throws -> Void) throws {
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
}

/// What is wrong with the sign-in files or a request to change them.
public struct AuthError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
