import ArgumentParser
import ISPMonControl
import ISPMonCore

struct JobCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job",
        abstract: "Run, pause or disable a job (probes, speedtest, trace) of the running monitor; each change is a `job` event.")

    @OptionGroup var store: StoreOptions
    @Argument(help: ArgumentHelp("probes, speedtest or trace.", valueName: "NAME"))
    var name: String
    @Argument(help: ArgumentHelp("run, pause or disable.", valueName: "ACTION"))
    var action: String

    static let states: [String: JobState.State] = ["run": .run, "pause": .paused, "disable": .disabled]

    func validate() throws {
        guard JobName(rawValue: name) != nil else {
            throw ValidationError("no job '\(name)': choose \(JobName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard JobCommand.states[action] != nil else { throw ValidationError("'\(action)' is not run, pause or disable") }
    }

    func run() throws {
        try ispmon.run {
            guard let job = JobName(rawValue: name), let state = JobCommand.states[action] else { return }
            let answer = try MonitorControlClient(directory: store.directory).set(job, to: state)
            if case .refused(let reason) = answer { throw ValidationError(reason) }
            print(answer.words)
        }
    }
}
