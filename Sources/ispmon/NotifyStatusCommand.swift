import ArgumentParser
import Foundation
import ISPMonConfig
import ISPMonCore
import ISPMonNotify
import ISPMonQuery

/// `ispmon notify status`: what is not delivered, per channel, from the log's notify events.
struct NotifyStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Notifications pending or given up, per channel, with their attempts and last error.",
        discussion: """
            Without --config it reads the file `ispmon init` writes by default, when there is one: \
            the config's channels tell what is due but not yet tried.
            """)

    @OptionGroup var store: StoreOptions
    @Flag(help: "JSON for programs (times in UTC).")
    var json = false
    @Option(help: ArgumentHelp("The YAML config (docs/config.md): its channels are listed even when nothing is pending, with what is due for them and not yet tried.", valueName: "FILE"))
    var config: String?

    func run() throws {
        try ispmon.run {
            let settings = try configFile.map { try RunCommand.loadConfig($0) }
            let channels = settings?.notify.map(\.name) ?? []
            let log = try store.open(create: false)
            var status = try Queries(store: log) { Terminal.error($0) }.notifyStatus()
            if let settings {
                status.addNeverTried(try Notifier.neverTried(store: log, channels: settings.notify, plan: settings.plan))
                status.markRemoved(running: Set(channels))
            }
            if json {
                printJSON(JSONForms.notifyStatus(status, channels: channels))
                return
            }
            let names = status.channelNames(configured: channels)
            guard !names.isEmpty else {
                print("nothing pending or given up")
                return
            }
            var rows: [[String]] = []
            for name in names {
                let mine = status.entries.filter { $0.channel == name }
                if mine.isEmpty { rows.append([name, "-", "nothing pending", "", "", ""]) }
                for e in mine {
                    rows.append([name, e.key, e.state.rawValue, String(e.attempts), e.lastAttempt.map { LocalTime.format($0) } ?? "never",
                                 [e.lastError, e.lastDetail].compactMap { $0 }.joined(separator: ": ")])
                }
            }
            print(Output.table(["channel", "key", "state", "attempts", "last attempt", "last error"], rows, rightAligned: [3]), terminator: "")
        }
    }

    /// The config: `--config`, else the default file when there is one.
    var configFile: String? {
        config ?? (FileManager.default.fileExists(atPath: ConfigLocation.defaultPath) ? ConfigLocation.defaultPath : nil)
    }
}
