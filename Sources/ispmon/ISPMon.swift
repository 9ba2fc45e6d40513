import ArgumentParser

@main
struct ISPMon: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "ispmon",
        abstract: "Watch a home or small-office internet connection and explain its outages.",
        version: version,
        subcommands: [
            StatusCommand.self, OutagesCommand.self, LatencyCommand.self, SpeedTestsCommand.self, NoteCommand.self, ReplayCommand.self,
            ImportCommand.self, ExportCommand.self, EventsCommand.self, VerifyCommand.self, BenchCommand.self,
        ]
    )
}
