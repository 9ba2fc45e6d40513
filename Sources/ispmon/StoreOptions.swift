import ArgumentParser
import Foundation
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

    /// Opens the store; a missing store is created only when `create`.
    func open(create: Bool) throws -> EventStore {
        CrashGuard.install(storePath: directory)
        var options = EventStore.Options()
        options.create = create
        return try EventStore(directory: directory, options: options)
    }
}
