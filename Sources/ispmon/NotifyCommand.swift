import ArgumentParser
import Foundation
import ISPMonConfig
import ISPMonControl
import ISPMonCore
import ISPMonNotify
import Logging

/// `ispmon notify`: the notification channels of the config (docs/notify.md).
struct NotifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "The notification channels: send a test message, see what is pending or failed.",
        subcommands: [NotifyTestCommand.self, NotifyStatusCommand.self])
}

/// `ispmon notify test CHANNEL`: one test message through a configured channel, now, and the
/// receiver's answer; nothing is written to the log.
struct NotifyTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Send a test message through a channel of notify: and print the receiver's answer.",
        discussion: "The exit status is 1 when the channel is unknown, cannot be set up (a secret file) or the receiver refused the message.")

    @Argument(help: ArgumentHelp("The channel's name in the config's notify: list.", valueName: "CHANNEL"))
    var channel: String
    @Option(help: ArgumentHelp("The YAML config (default: the config file of ispmon init, if there is one).", valueName: "FILE"))
    var config: String?

    func run() throws {
        try ispmon.run {
            let settings = try RunCommand.loadConfig(config)
            var logger = Logger(label: "ispmon.notify")
            logger.logLevel = .warning
            let tester = ChannelTester(channels: settings.notify, site: settings.siteName,
                                       origin: { "`ispmon notify test \($0)`" }, logger: logger)
            let outcome = tester.sendTest(channel: channel)
            guard outcome.delivered else { throw ValidationError(outcome.description) }
            print(outcome)
        }
    }
}
