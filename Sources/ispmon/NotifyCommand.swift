import ArgumentParser
import Foundation
import ISPMonConfig
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
            guard let chosen = settings.notify.first(where: { $0.name == channel }) else {
                let names = settings.notify.map(\.name)
                throw ValidationError("no notify channel '\(channel)' in the config"
                    + (names.isEmpty ? " (it has none)" : " (its channels: \(names.joined(separator: ", ")))"))
            }
            var logger = Logger(label: "ispmon.notify")
            logger.logLevel = .warning
            let site = settings.siteName
            let made = try ChannelFactory.make(chosen, site: site, logger: logger)
            let now = WallClock.system.now()
            let test = Notification(
                key: "test/" + NotifyTestCommand.compactTime(now), site: site, trigger: nil, time: now,
                title: "ispmon test message from \(site)",
                text: "A test message from ispmon at \(site), sent by `ispmon notify test \(channel)`: this channel works.",
                priority: 3, tags: ["test"])
            do {
                let answer = try made.deliver(test)
                print("\(channel): delivered \(test.key): \(answer)")
            } catch {
                throw ValidationError("notify channel '\(channel)': not delivered: \(error)")
            }
        }
    }

    /// `20261207T074019Z`: the key's time, in the characters a key may have.
    static func compactTime(_ t: Timestamp) -> String {
        String(t.description.prefix(19).filter { $0 != "-" && $0 != ":" }) + "Z"
    }
}
