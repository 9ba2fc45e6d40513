public import LMDB
import ISPMonCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Everything that can go wrong with a store: a kind to act on, and the store's path.
///
/// The description names the store and what happened, for logs; it is no
/// contract. What to tell a person to do about it (which command to run, which
/// option to pass) is each front end's business: the CLI's words are not the web
/// page's.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// There is no store at the path (and we were not asked to create one).
        case missing
        /// The store was written by a newer ispmon.
        case newerFormat(found: UInt32, supported: UInt32)
        /// A record failed its checksum or could not be decoded.
        case damaged(String)
        /// The disk (or quota) is full; nothing was written.
        case diskFull
        /// This process already has the store open.
        case alreadyOpen
        /// The writer was closed before this append.
        case closed
        /// A monitor (this pid; 0 when unreadable) holds the store.
        case monitorRunning(pid: Int32?)
        /// A system call on a file of the store failed.
        case io(operation: String, errno: Int32)
        /// Anything else LMDB reported.
        case lmdb(LMDBError)
        /// An error of no kind above (a bug, if it ever shows).
        case other(String)
    }

    public var kind: Kind
    public var path: String

    public init(_ kind: Kind, path: String) {
        self.kind = kind
        self.path = path
    }

    public var description: String {
        switch kind {
        case .missing:
            return "no ispmon store at \(path)"
        case let .newerFormat(found, supported):
            return "the store at \(path) was written by a newer ispmon (store format \(found); this ispmon reads formats up to \(supported))"
        case .damaged(let what):
            return "the store at \(path) is damaged: \(what)"
        case .diskFull:
            return "the disk holding \(path) is full: the commit under way was not written, everything committed before is intact"
        case .alreadyOpen:
            return "the store at \(path) is already open in this process"
        case .closed:
            return "the writer of \(path) is closed"
        case .monitorRunning(let pid):
            return "another ispmon monitor (pid \(pid.map(String.init) ?? "?")) is running on \(path)"
        case let .io(operation, code):
            return "\(operation): \(String(cString: strerror(code)))"
        case .lmdb(let e):
            if e.isCorrupted { return "the store at \(path) is damaged: \(e.message)" }
            return "store \(path): \(e)"
        case .other(let what):
            return "store \(path): \(what)"
        }
    }

    /// Wraps any error thrown by store code into a `StoreError` for `path`.
    static func wrap(_ error: any Error, path: String) -> StoreError {
        switch error {
        case let e as StoreError: return e
        case let e as LMDBError where e.isDiskFull: return StoreError(.diskFull, path: path)
        // LMDB reports a short write as EIO: that is a full disk when no space is left.
        case let e as LMDBError where e.code == EIO && freeBytes(path).map({ $0 < 1 << 20 }) == true:
            return StoreError(.diskFull, path: path)
        case let e as LMDBError: return StoreError(.lmdb(e), path: path)
        // What the decoders throw about bytes they read from the store.
        case let e as CorruptData: return StoreError(.damaged(e.description), path: path)
        default: return StoreError(.other("\(error)"), path: path)
        }
    }
}

/// Bytes available to an unprivileged user on the file system holding `path`.
func freeBytes(_ path: String) -> Int? {
    var st = statvfs()
    guard statvfs(path, &st) == 0 else { return nil }
    return Int(st.f_bavail) * Int(st.f_frsize)
}
