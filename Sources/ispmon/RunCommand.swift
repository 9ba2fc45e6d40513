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
import Synchronization

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The monitor: probe every target, record each result, keep the views, until SIGINT or SIGTERM.",
        discussion: """
            Without --config it reads the file `ispmon init` writes by default, and without that, \
            what `ispmon init` would detect (this machine's gateway and resolvers, and public \
            reference hosts). A second monitor on the same store is refused.
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: ArgumentHelp("The YAML config (docs/config.md).", valueName: "FILE"))
    var config: String?
    @Option(name: .customLong("log-level"), help: ArgumentHelp(
        "trace, debug, info, notice, warning, error or critical (default: the config's, else info).", valueName: "LEVEL"))
    var logLevel: String?

    func validate() throws {
        if let logLevel, !MonitorConfig.logLevels.contains(logLevel) {
            throw ValidationError("--log-level '\(logLevel)' is not one of \(MonitorConfig.logLevels.joined(separator: ", "))")
        }
    }

    func run() throws {
        try ispmon.run {
            MemoryPolicy.longRunning()  // before the monitor's threads exist
            let settings = try loadConfig()
            let level = SwitchableLogLevel(self.level(settings))
            // The monitor's log lines go to stderr and, for the settings page, to a ring in memory.
            let ring = LogRing()
            LoggingSystem.bootstrap { label in level.handler(label: label, ring: ring) }
            let logger = Logger(label: "ispmon")
            let log = try store.open(create: true, directory: settings.data,
                                     viewOptions: Projection.Options(downAfter: settings.downAfter),
                                     afterSeal: { MemoryPolicy.returnFreed() })
            let lock = try MonitorLock(directory: log.directory)
            let interfaces = watchedInterfaces(settings)
            // Probe results wait up to 200 ms to share a durable commit: a few commits a second, not one per probe.
            var writerOptions = GroupCommitWriter.Options()
            writerOptions.maxDelay = 200_000
            writerOptions.diskFull = Monitor.diskFullPolicy(for: settings, store: log.directory, logger: logger)
            let writer = try GroupCommitWriter(store: log, options: writerOptions)
            // The channels are made (their secret files read) before anything starts: one that cannot be is the error.
            let notifier = RunningNotifier(try NotifierWiring.notifier(settings: settings, store: log, writer: writer, logger: logger))
            let monitor = try Monitor(config: settings, writer: writer, interfaces: interfaces, logger: logger)

            // Set once the web server runs; a reload shows it the config it read.
            let webServer = Mutex<WebServer?>(nil)
            let tester = ReloadingChannelTester(NotifierWiring.tester(settings: settings, logger: logger))
            // SIGINT and SIGTERM end the monitor cleanly: the main thread waits for either.
            // SIGHUP reloads the config, one at a time.
            let signals = StopSignals {
                reload(monitor, notifier: notifier, tester: tester, store: log, writer: writer, level: level, logger: logger)
                webServer.withLock { $0 }?.show(config: shownConfig())
            }
            // The web server first: an address that cannot be bound is a startup error, and nothing starts.
            let server = try settings.web.listen.map { listen in
                let console = MonitorConsole(activity: { monitor.activity() }, log: ring, level: { level.current },
                                             setLevel: { level.current = $0 })
                let server = WebServer(queries: Queries(store: log) { logger.notice("\($0)") },
                                       settings: try WebSettings.forCommand(settings, listen: listen), inProcess: true,
                                       console: console, checks: CheckRunner(targets: ToolTargets(settings)),
                                       notificationTester: tester, logger: logger)
                server.show(config: shownConfig())
                // The channels the notifier runs now, and what its outbox holds that was never tried.
                server.show(notifications: {
                    let running = notifier.current
                    return WebServer.Notifications(channels: running?.channels ?? [], neverTried: running?.neverTried() ?? [])
                })
                try server.start()
                webServer.withLock { $0 = server }
                return server
            }
            // Before the monitor's `started` event: this run's start is the channels' own to tell.
            try notifier.current?.start()
            try monitor.start()
            try monitor.listen(directory: log.directory)
            logger.info("monitoring \(settings.targets.count) targets and \(interfaces.count) interfaces into \(log.directory)")
            signals.wait()
            logger.info("stopping")
            server?.stop()
            try monitor.stop()
            // The `monitor stopped` notice gets a moment to go out; what does not is sent at the next start.
            notifier.current?.stop()
            writer.close()
            withExtendedLifetime(lock) {}
        }
    }

    /// The config file as the settings page shows it (read again at each reload).
    func shownConfig() -> ShownConfig {
        let path = config ?? (FileManager.default.fileExists(atPath: ConfigLocation.defaultPath) ? ConfigLocation.defaultPath : nil)
        guard let path else { return ShownConfig(path: nil, text: "") }
        return ShownConfig(path: path, text: (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
    }

    /// The log level: `--log-level`, else the config's, else info.
    func level(_ settings: MonitorConfig) -> Logger.Level {
        Logger.Level(rawValue: logLevel ?? settings.logLevel ?? "info") ?? .info
    }

    func watchedInterfaces(_ settings: MonitorConfig) -> [String] {
        settings.interfaces ?? LinkState.defaultRoute().map { [$0.interface] } ?? []
    }

    /// SIGHUP: reads the config file again and applies it; a file that does not load or
    /// cannot run (a notify channel's secret file missing, too) is one error line, and the running
    /// config stays. The notifier's channels and heartbeat follow (docs/notify.md, "Reloads").
    func reload(_ monitor: Monitor, notifier: RunningNotifier, tester: ReloadingChannelTester, store: EventStore, writer: GroupCommitWriter,
                level: SwitchableLogLevel, logger: Logger) {
        let new: MonitorConfig
        let parts: NotifierWiring.Parts
        do {
            new = try loadConfig()
            // The channels are made (their secret files read again) before anything changes.
            parts = try NotifierWiring.parts(new, store: store, logger: logger)
        } catch {
            logger.error("config not reloaded, the running one stays: \(error)")
            return
        }
        let summary: Monitor.ReloadSummary
        do {
            summary = try monitor.reload(new, interfaces: watchedInterfaces(new))
            level.current = self.level(new)
            tester.replace(with: NotifierWiring.tester(settings: new, logger: logger))
        } catch {
            logger.error("config not reloaded, the running one stays: \(error)")
            return
        }
        do {
            let running = notifier.current
            let (now, notified) = try NotifierWiring.reload(parts, running: running, store: store, writer: writer, logger: logger)
            if running == nil, let now { notifier.set(now) }
            logger.notice("\(summary)\(notified.isEmpty ? "" : "; \(notified)")")
        } catch {
            logger.notice("\(summary)")
            logger.error("notifier: the reload's channels could not be recorded: \(error)")
        }
    }

    func loadConfig() throws -> MonitorConfig { try RunCommand.loadConfig(config) }

    /// The config `config` names, else the default file if there is one, else what `init` would detect.
    static func loadConfig(_ config: String?) throws -> MonitorConfig {
        let defaultPath = ConfigLocation.defaultPath
        guard let config = config ?? (FileManager.default.fileExists(atPath: defaultPath) ? defaultPath : nil) else {
            return MonitorConfig.detected()
        }
        let text: String
        do { text = try String(contentsOfFile: config, encoding: .utf8) } catch {
            throw ValidationError("cannot read config \(config): \((error as NSError).localizedDescription)")
        }
        return try MonitorConfig.parse(text, file: config)
    }
}
