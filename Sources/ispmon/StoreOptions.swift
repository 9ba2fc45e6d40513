import ArgumentParser
import Foundation
import ISPMonCore
import ISPMonStore

/// `--data DIR`, shared by every command that reads or writes a store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The store directory (default: $ISPMON_DATA, else /var/lib/ispmon as root, else $XDG_DATA_HOME/ispmon or ~/.local/share/ispmon).",
        valueName: "DIR"))
    var data: String?

    var directory: String {
        if let data { return data }
        let env = ProcessInfo.processInfo.environment
        if let d = env["ISPMON_DATA"], !d.isEmpty { return d }
        if getuid() == 0 { return "/var/lib/ispmon" }
        if let x = env["XDG_DATA_HOME"], !x.isEmpty { return x + "/ispmon" }
        return (env["HOME"] ?? ".") + "/.local/share/ispmon"
    }

    /// Opens the store; a missing store is created only when `create`. Views that
    /// this ispmon defines differently (or that an older one never stored) are
    /// rebuilt from the log first, saying so on stderr, unless `rebuildViews` is false.
    /// `directory` (the config's `data:`) is used when neither --data nor $ISPMON_DATA says otherwise;
    /// `viewOptions` are the monitor's (a difference rebuilds the views); `afterSeal` as in
    /// ``EventStore/Options/afterSeal``.
    func open(create: Bool, rebuildViews: Bool = true, directory preferred: String? = nil,
              viewOptions: Projection.Options? = nil, afterSeal: (@Sendable () -> Void)? = nil) throws -> EventStore {
        let path = data ?? ProcessInfo.processInfo.environment["ISPMON_DATA"].flatMap { $0.isEmpty ? nil : $0 } ?? preferred ?? directory
        CrashGuard.install(storePath: path)
        var options = EventStore.Options()
        options.create = create
        options.viewOptions = viewOptions
        options.afterSeal = afterSeal
        let store = try EventStore(directory: path, options: options)
        if rebuildViews {
            try StoreOptions.rebuildStaleViews(store)
            try StoreOptions.catchUpIndex(store)
        }
        return store
    }

    /// Builds what the event index lacks (a store from before it: once, saying so when it is a
    /// lot); a store that cannot be written is left as it is, and searches read the rest.
    static func catchUpIndex(_ store: EventStore) throws {
        let (indexed, last) = (try store.indexedSeq(), try store.lastSeq())
        guard indexed < last else { return }
        let loud = last - indexed > 1_000_000
        if loud { Terminal.error("indexing \(last - indexed) events of the log by hour and type (once)") }
        var progress = Progress("indexing", total: Int(last))
        do {
            try store.catchUpIndex { if loud { progress.update(Int($0), "\($0) events") } }
        } catch {
            // Answers never depend on the index, only their speed.
            Terminal.error("the event index could not be built (\(error)): searches read the log instead")
            return
        }
        if loud { progress.finish() }
    }

    static func rebuildStaleViews(_ store: EventStore) throws {
        let stale = try store.viewStatus().filter { $0.problem != nil && $0.logSeq > 0 }
        guard let first = stale.first else { return }
        for s in stale { Terminal.error("rebuilding the \(s.view.rawValue) view from the log: \(s.problem ?? "")") }
        var progress = Progress("rebuilding views", total: Int(first.logSeq))
        let report = try store.rebuildViews(Set(stale.map(\.view))) { progress.update(Int($0), "\($0) events") }
        progress.finish()
        Terminal.error(String(format: "rebuilt %@ from %llu events in %.2f s",
                              report.views.map(\.rawValue).joined(separator: ", "), report.events, report.seconds))
    }
}
