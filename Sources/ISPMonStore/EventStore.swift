#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ISPMonCore
import LMDB
import Synchronization

/// The append-only event log on LMDB.
///
/// Events get sequence numbers 1, 2, 3 … with no gaps. Each commit writes the
/// new events as one *segment* (a small chunk) to the `tail` database, so a
/// single event is durable as soon as its commit returns. When the tail holds
/// ``Options/sealThreshold`` events, a background thread re-encodes them as one
/// large *sealed* chunk (where columns compress best), and the next commit puts
/// it in `chunks` and deletes the segments it replaces. Both databases are keyed
/// by the big-endian sequence number of their first event, so appends use
/// `MDB_APPEND` and a lookup by sequence is one B-tree search.
///
/// One store per directory per process. Any number of processes may read while
/// one writes; LMDB serializes writers across processes.
public final class EventStore: @unchecked Sendable {
    // @unchecked: LMDB handles are thread-safe for reads; writes go through
    // `writer`, which is locked, and never span an await.

    /// Version of the store layout, kept in `meta`. A newer one is refused.
    public static let formatVersion: UInt32 = 1


    public let directory: String
    public let options: Options
    let env: Environment
    let meta: Database
    let chunks: Database
    let tail: Database
    /// The stored views (see ``ViewRecords``), kept in step with the log: `views`
    /// holds what rarely changes, `viewState` what nearly every commit rewrites
    /// (states, each target's current hour, the views' sequence numbers).
    let views: Database
    let viewState: Database
    /// The event index (EventIndex.swift).
    let index: Database
    /// Named cursors and their owners' progress records (StoreCursors.swift).
    let cursors: Database
    let progress: Database
    let writer: Writer
    /// Every commit of this process, as it becomes durable (see ``CommitFeed``).
    public let commits = CommitFeed()
    /// Serializes this process's writers (LMDB serializes processes).
    let writeLock = Mutex<Void>(())

    /// Process-wide: LMDB allows one environment per path per process.
    static let openPaths = Mutex<Set<String>>([])

    public init(directory: String, options: Options = Options()) throws(StoreError) {
        let path = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        self.directory = path
        self.options = options
        var st = stat()
        if stat(path, &st) != 0 {
            guard options.create else { throw StoreError(.missing, path: path) }
            guard makeDirectories(path) else {
                throw StoreError(.lmdb(LMDBError(code: errno, context: "creating directory \(path)")), path: path)
            }
        } else if !options.create, stat(path + "/data.mdb", &st) != 0 {
            throw StoreError(.missing, path: path)
        }
        let real = realpath(path, nil).map { p in defer { free(p) }; return String(cString: p) } ?? path
        let inserted = EventStore.openPaths.withLock { $0.insert(real).inserted }
        guard inserted else { throw StoreError(.alreadyOpen, path: path) }
        realPath = real
        do {
            var envOptions = Environment.Options()
            envOptions.mapSize = options.initialMapSize
            // Eight named databases now (meta, chunks, tail, views, viewstate, index, cursors,
            // progress), room for those to come.
            envOptions.maxDatabases = 16
            env = try Environment(path: path, options: envOptions)
            // A reader never takes LMDB's write lock: it could delay a running monitor.
            meta = try env.openDatabase("meta", create: options.create)
            chunks = try env.openDatabase("chunks", create: options.create)
            tail = try env.openDatabase("tail", create: options.create)
            writer = Writer(options: options)
            try EventStore.checkFormat(env: env, meta: meta, directory: path, create: options.create)
            // A store from before views were stored gets the (empty) database once.
            views = try (try? env.openDatabase("views", create: false)) ?? env.openDatabase("views", create: true)
            viewState = try (try? env.openDatabase("viewstate", create: false)) ?? env.openDatabase("viewstate", create: true)
            index = try (try? env.openDatabase("index", create: false)) ?? env.openDatabase("index", create: true)
            cursors = try (try? env.openDatabase("cursors", create: false)) ?? env.openDatabase("cursors", create: true)
            progress = try (try? env.openDatabase("progress", create: false)) ?? env.openDatabase("progress", create: true)
            do { try EventStore.ensureIdentity(env: env, meta: meta) } catch where !options.create {
                // A store this process may only read (a read-only copy) gets its id from the next writer.
            }
        } catch {
            _ = EventStore.openPaths.withLock { $0.remove(real) }
            throw StoreError.wrap(error, path: path)
        }
    }

    let realPath: String

    deinit { _ = EventStore.openPaths.withLock { $0.remove(realPath) } }

    static let formatKey = Array("format".utf8)

    static func checkFormat(env: Environment, meta: Database, directory: String, create: Bool) throws {
        let stored: UInt32? = try env.read { txn in
            try EventStore.formatKey.withUnsafeBytes { k in
                try txn.get(meta, key: k).map { v in
                    guard v.count == 4 else { throw StoreError(.damaged("bad format record"), path: directory) }
                    return v.loadUnaligned(as: UInt32.self).bigEndian
                }
            }
        }
        if let stored {
            guard stored <= EventStore.formatVersion else {
                throw StoreError(.newerFormat(found: stored, supported: EventStore.formatVersion), path: directory)
            }
        } else if !create {
            throw StoreError(.damaged("it has no format record (is it an ispmon store?)"), path: directory)
        } else {
            try env.write { txn in
                var v = EventStore.formatVersion.bigEndian
                try EventStore.formatKey.withUnsafeBytes { k in
                    try withUnsafeBytes(of: &v) { try txn.put(meta, key: k, value: $0) }
                }
            }
        }
    }
}

func makeDirectories(_ path: String) -> Bool {
    var current = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
        current += "/" + part
        if mkdir(current, 0o755) != 0 && errno != EEXIST { return false }
    }
    return true
}
