import ArgumentParser
import ISPMonMonitor

struct JobCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job",
        abstract: "Run, pause or disable a job (probes, speedtest, trace) of the running monitor; each change is a `job` event.")

    @OptionGroup var store: StoreOptions
    @Argument(help: ArgumentHelp("probes, speedtest or trace.", valueName: "NAME"))
    var name: String
    @Argument(help: ArgumentHelp("run, pause or disable.", valueName: "ACTION"))
    var action: String

    func validate() throws {
        guard MonitorConfig.JobName(rawValue: name) != nil else {
            throw ValidationError("no job '\(name)': choose \(MonitorConfig.JobName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard ["run", "pause", "disable"].contains(action) else { throw ValidationError("'\(action)' is not run, pause or disable") }
    }

    func run() throws {
        try ispmon.run {
            let state = ["run": "run", "pause": "paused", "disable": "disabled"][action] ?? action
            let answer = try ControlChannel.send("job \(name) \(state)", directory: store.directory)
            guard answer.hasPrefix("ok") else { throw ValidationError(String(answer.dropFirst(answer.hasPrefix("error: ") ? 7 : 0))) }
            print(answer.dropFirst(answer.hasPrefix("ok: ") ? 4 : 0))
        }
    }
}
