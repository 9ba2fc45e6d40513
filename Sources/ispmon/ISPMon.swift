import ArgumentParser
import ISPMonMonitor
import ISPMonCore
import NIOCore
import NIOPosix

@main
struct ISPMon: ParsableCommand {
    static let version = ISPMonVersion.current

    /// Swift concurrency runs on NIO's event loops (before any task exists, so first): the web
    /// server's request handlers are tasks, and on the default pool each request would hop from
    /// its connection's event loop to another thread and back, twice the thread switches of its
    /// whole work. Commands without a server have no tasks to run; nothing changes for them.
    static func main() {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        main(nil)
    }

    static let configuration = CommandConfiguration(
        commandName: "ispmon",
        abstract: "Watch a home or small-office internet connection and explain its outages.",
        version: version,
        subcommands: [
            InitCommand.self, RunCommand.self, JobCommand.self, StatusCommand.self, OutagesCommand.self, AvailabilityCommand.self, ReportCommand.self, EvidenceCommand.self, LatencyCommand.self, SpeedTestsCommand.self, NoteCommand.self, ReplayCommand.self,
            ImportCommand.self, ExportCommand.self, EventsCommand.self, VerifyCommand.self, BenchCommand.self,
            ServeCommand.self, PasswdCommand.self, TokenCommand.self, NotifyCommand.self,
        ]
    )
}
