import ArgumentParser
import ISPMonMonitor

@main
struct ISPMon: ParsableCommand {
    static let version = ISPMonVersion.current

    static let configuration = CommandConfiguration(
        commandName: "ispmon",
        abstract: "Watch a home or small-office internet connection and explain its outages.",
        version: version,
        subcommands: [
            InitCommand.self, RunCommand.self, JobCommand.self, StatusCommand.self, OutagesCommand.self, LatencyCommand.self, SpeedTestsCommand.self, NoteCommand.self, ReplayCommand.self,
            ImportCommand.self, ExportCommand.self, EventsCommand.self, VerifyCommand.self, BenchCommand.self,
            ServeCommand.self, PasswdCommand.self, TokenCommand.self,
        ]
    )
}
