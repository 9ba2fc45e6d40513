import ArgumentParser
import Dispatch
import Foundation
import ISPMonCore
import ISPMonMonitor
import ISPMonNotify
import ISPMonConfig
import ISPMonControl
import ISPMonQuery
import ISPMonServer
import ISPMonStore
import Logging

/// `ispmon serve`: the web UI and API alone, over a store another process may be writing.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the web UI and HTTP API over a store, without probing (a copy of a store, a demo, a second machine).")

    @OptionGroup var store: StoreOptions
    @Option(help: ArgumentHelp("The YAML config: its web: and data: (docs/config.md).", valueName: "FILE"))
    var config: String?
    @Option(help: ArgumentHelp("Where to listen, host:port or [v6]:port (default: the config's web.listen, else [::]:8080).",
                               valueName: "HOST:PORT"))
    var listen: String?

    func validate() throws {
        if let listen, MonitorConfig.Web.Listen(listen) == nil {
            throw ValidationError("--listen '\(listen)' is not host:port or [v6]:port")
        }
    }

    func run() throws {
        try ispmon.run {
            let settings = try RunCommand.loadConfig(config)
            LoggingSystem.bootstrap { label in
                var h = StreamLogHandler.standardError(label: label)
                h.logLevel = Logger.Level(rawValue: settings.logLevel ?? "info") ?? .info
                return h
            }
            let logger = Logger(label: "ispmon")
            let log = try store.open(create: false, directory: settings.data)
            guard let address = listen.flatMap(MonitorConfig.Web.Listen.init) ?? settings.web.listen else {
                throw ValidationError("web.listen is off in the config: give --listen HOST:PORT")
            }
            let signals = StopSignals()
            let server = WebServer(queries: Queries(store: log) { logger.notice("\($0)") },
                                   settings: try WebSettings.forCommand(settings, listen: address), inProcess: false,
                                   checks: CheckRunner(targets: ToolTargets(settings)),
                                   notificationTester: NotifierWiring.tester(settings: settings, logger: logger), logger: logger)
            // What is due but never tried, derived from the log as the notifier would (read-only).
            server.show(notifications: {
                WebServer.Notifications(channels: settings.notify,
                                        neverTried: try Notifier.neverTried(store: log, channels: settings.notify, plan: settings.plan))
            })
            try server.start()
            signals.wait()
            logger.info("stopping")
            server.stop()
        }
    }
}

/// `ispmon passwd`: the admin password of the store's web UI.
struct PasswdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd",
        abstract: "Set the admin password of the store's web UI (every session ends).",
        discussion: "Read twice from the terminal, or once from standard input when it is not a terminal.")

    @OptionGroup var store: StoreOptions
    @Flag(help: "Also make a new TOTP secret (a second factor) and print its otpauth:// URI once.")
    var totp = false
    @Flag(name: .customLong("no-totp"), help: "Remove the TOTP second factor.")
    var noTOTP = false

    func validate() throws {
        if totp && noTOTP { throw ValidationError("choose --totp or --no-totp") }
    }

    func run() throws {
        try ispmon.run {
            let password = try PasswordInput.read()
            try FileManager.default.createDirectory(atPath: store.directory, withIntermediateDirectories: true)
            let auth = AuthStore(storeDirectory: store.directory)
            let uri = try auth.setPassword(password, totp: totp, removeTOTP: noTOTP)
            print("password set for \(store.directory); every session has ended")
            if let uri { print("TOTP (add it to an authenticator app; shown once):\n\(uri)") }
        }
    }
}

enum PasswordInput {
    /// The new password, from the terminal (twice) or standard input (once), refused as
    /// ``AuthStore/passwordProblem(_:)`` says.
    static func read() throws -> String {
        let password: String
        if isatty(STDIN_FILENO) == 1 {
            let first = String(cString: getpass("new password: "))
            let second = String(cString: getpass("again: "))
            guard first == second else { throw ValidationError("the two passwords differ: nothing changed") }
            password = first
        } else {
            password = readLine(strippingNewline: true) ?? ""
        }
        if let problem = AuthStore.passwordProblem(password) { throw ValidationError(problem + ": nothing changed") }
        return password
    }
}

/// `ispmon token create|list|revoke`: API tokens for scripts and scrapers.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "API tokens (Authorization: Bearer …) for scripts and Prometheus.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a token and print it once, alone on the last line.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Its name (letters, digits, - _ .).") var name: String
        @Flag(name: .customLong("read-only"), help: "It may only GET the API and /metrics.") var readOnly = false

        func run() throws {
            try ispmon.run {
                try FileManager.default.createDirectory(atPath: store.directory, withIntermediateDirectories: true)
                let secret = try AuthStore(storeDirectory: store.directory)
                    .createToken(name: name, readOnly: readOnly, now: WallClock.system.microseconds)
                print("token \(name) (\(readOnly ? "read-only" : "full access")), shown once:")
                print(secret)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The tokens: name, access, created.")
        @OptionGroup var store: StoreOptions

        func run() throws {
            try ispmon.run {
                let tokens = AuthStore(storeDirectory: store.directory).tokens
                guard !tokens.isEmpty else { print("no tokens"); return }
                let rows = tokens.map { [$0.name, $0.readOnly ? "read-only" : "full", LocalTime.format($0.created)] }
                print(Output.table(["NAME", "ACCESS", "CREATED"], rows), terminator: "")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token: it stops working at once.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Its name.") var name: String

        func run() throws {
            try ispmon.run {
                guard try AuthStore(storeDirectory: store.directory).revokeToken(name: name) else {
                    throw ValidationError("no token named '\(name)'")
                }
                print("revoked \(name)")
            }
        }
    }
}
