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
        if rebuildViews { try StoreOptions.bringUpToDate(store) }
        return store
    }

    /// The store's upkeep on opening (EventStore.bringUpToDate), said on stderr with progress bars.
    static func bringUpToDate(_ store: EventStore) throws {
        var progress: Progress?
        try store.bringUpToDate { upkeep in
            switch upkeep {
            case let .rebuilding(view, reason):
                Terminal.error("rebuilding the \(view.rawValue) view from the log: \(reason)")
            case let .rebuildProgress(done, total):
                if progress == nil { progress = Progress("rebuilding views", total: Int(total)) }
                progress?.update(Int(done), "\(done) events")
            case .rebuilt(let report):
                progress?.finish()
                progress = nil
                Terminal.error(String(format: "rebuilt %@ from %llu events in %.2f s",
                                      report.views.map(\.rawValue).joined(separator: ", "), report.events, report.seconds))
            case .indexing(let events):
                Terminal.error("indexing \(events) events of the log by hour and type (once)")
            case let .indexProgress(done, total):
                if progress == nil { progress = Progress("indexing", total: Int(total)) }
                progress?.update(Int(done), "\(done) events")
            case .indexed:
                progress?.finish()
            case .indexUnavailable(let error):
                Terminal.error("the event index could not be built (\(error)): searches read the log instead")
            }
        }
    }
}
