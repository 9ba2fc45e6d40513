import ArgumentParser

/// `ispmon notify`: the notifications' commands (docs/notify.md).
struct NotifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify", abstract: "Notifications: what is pending or failed.",
        subcommands: [NotifyStatusCommand.self])
}
