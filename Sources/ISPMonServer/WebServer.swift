import Foundation
import Hummingbird
import HummingbirdCore
public import ISPMonQuery
public import ISPMonConfig
public import ISPMonControl
public import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
public import Synchronization

/// The web server (docs/http.md): the API, sign-in and the pages, on Hummingbird, over one
/// store. It runs beside the monitor in `ispmon run` (its own event-loop thread and a small
/// pool for LMDB work, nothing shared with the probes' threads) or alone in `ispmon serve`.
public final class WebServer: Sendable {
    /// Request bodies: at most 64 KiB (`413` beyond).
    static let maxBody = 64 * 1024
    /// Headers: at most 16 KiB in all.
    static let maxHeaders = 16 * 1024
    /// The store's threads: LMDB reads, a note's commit and the sign-in files, off the event loops.
    static let poolThreads = 2
    /// The live streams' thread: their reads of the log and the status, for every client.
    static let livePoolThreads = 1
    /// A connection with nothing to say for this long is closed.
    static let idleTimeout: TimeAmount = .seconds(60)

    public let settings: WebSettings
    public let queries: Queries
    public let auth: AuthStore
    let logger: Logger
    let group: MultiThreadedEventLoopGroup
    let pool: NIOThreadPool
    let livePool: NIOThreadPool
    /// bcrypt's own thread.
    let passwords = PasswordPool()
    let running = Mutex<(task: Task<Void, any Error>, group: ServiceGroup)?>(nil)
    /// The port the server listens on (the one asked for, or the kernel's choice for port 0).
    public let port = Atomic<Int>(0)

    /// Whether the store is written in this process (`ispmon run`), which the live stream hears
    /// of through commit notices; else (`ispmon serve`) it watches the other process's commits.
    let inProcess: Bool
    let streams = StreamClients()
    /// The ad-hoc checks' probes (the tools): the monitor's, handed over by the executable.
    let checks: any AdHocChecks
    /// The checks under way, of the API and the tools page alike (one at a time per client).
    let runningChecks = RunningChecks()
    /// The channels' test messages (the settings page's buttons and the API), sent by what the
    /// executable handed over: the notifier's channel code.
    let notificationTests: NotificationTests

    /// The monitor in this process (`ispmon run`); nil in `ispmon serve`.
    let console: MonitorConsole?
    /// The config file as the monitor runs it, secrets masked, for the settings page.
    let shownConfig = Mutex<ShownConfig?>(nil)
    /// Where the settings page gets the notify channels and what is due for them but never tried;
    /// nil: the channels of ``WebSettings/notifyChannels`` and nothing never tried.
    let notificationsSource = Mutex<(@Sendable () throws -> Notifications)?>(nil)
    /// Failed password checks, of sign-in and of a password change alike.
    let limiter = LoginLimiter()
    /// The TOTP steps that signed in.
    let totpReplay = TOTPReplay()

    /// `console`: the monitor in this process (`ispmon run`): its activity for the stream, its
    /// log level and log lines for the settings page.
    /// `checks`: what runs the tools' checks.
    /// `notificationTester`: what sends a channel's test message (nil: the settings page has no "Send test").
    public init(queries: Queries, settings: WebSettings, inProcess: Bool,
                console: MonitorConsole? = nil, checks: any AdHocChecks, notificationTester: (any NotificationTester)? = nil, logger: Logger) {
        self.queries = queries
        self.checks = checks
        notificationTests = NotificationTests(tester: notificationTester)
        self.inProcess = inProcess
        self.console = console
        self.settings = settings
        self.logger = logger
        auth = AuthStore(storeDirectory: queries.directory, watching: true)
        // NIO's shared event loops (one a core), which the `ispmon` command also makes Swift
        // concurrency's executor: a request's handler then runs on its connection's loop, with no
        // thread switch. The loops only parse and write: LMDB, the sign-in files and bcrypt go to
        // the pools, so nothing slow ever stalls a loop.
        group = MultiThreadedEventLoopGroup.singleton
        pool = NIOThreadPool(numberOfThreads: WebServer.poolThreads)
        pool.start()
        livePool = NIOThreadPool(numberOfThreads: WebServer.livePoolThreads)
        livePool.start()
        if inProcess {
            ThreadPriority.yieldToTheMonitor(loops: group, pools: [(pool, WebServer.poolThreads), (livePool, WebServer.livePoolThreads),
                                                                   (passwords.pool, PasswordPool.threads)])
        }
        ThreadPriority.onEachThread(of: livePool, threads: WebServer.livePoolThreads) { ThreadPriority.lower(by: ThreadPriority.bulk) }
    }

    /// Every route, registered in one table.
    func router() -> Router<WebContext> { routeTable().router }

    /// The routes, each group adding itself (the middleware first: it applies to what follows).
    public func routeTable() -> RouteTable {
        let router = RouteTable(Router(context: WebContext.self))
        router.add(middleware: SecurityHeaders<WebContext>())
        router.add(middleware: ClientErrors<WebContext>())
        router.add(middleware: HostCheck<WebContext>(allowed: AllowedHosts(configured: settings.hosts, listen: settings.listen.host)))
        router.add(middleware: AccessControl(auth: auth, settings: settings, work: PoolWork(pool: pool)))
        let renderer = PageRenderer(site: settings.site)
        SignInRoutes(auth: auth, queries: queries, limiter: limiter, pool: pool, passwords: passwords, renderer: renderer,
                     publicStatus: settings.publicStatus, clock: settings.clock, replay: totpReplay).add(to: router)
        APIRoutes(queries: queries, pool: pool, clock: settings.clock).add(to: router)
        StreamRoute(queries: queries, inProcess: inProcess, clients: streams, work: PoolWork(pool: livePool),
                    activity: console?.activity).add(to: router)
        JobRoutes(queries: queries, pool: pool).add(to: router)
        ToolRoutes(runner: checks, running: runningChecks).add(to: router)
        PageRoutes(queries: queries, pool: pool, renderer: renderer, settings: settings, activity: console?.activity).add(to: router)
        ReportRoutes(queries: queries, pool: pool, settings: settings).add(to: router)
        SettingsRoutes(queries: queries, pool: pool, passwords: passwords, renderer: renderer, auth: auth, limiter: limiter, console: console,
                       shownConfig: { [self] in shownConfig.withLock { $0 } }, notifications: { [self] in
                           try notificationsSource.withLock { $0 }?() ?? Notifications(channels: settings.notifyChannels, neverTried: [])
                       },
                       notificationTests: notificationTests, clock: settings.clock).add(to: router)
        NotifyTestRoute(tests: notificationTests).add(to: router)
        ToolPageRoutes(runner: checks, running: runningChecks, renderer: renderer).add(to: router)
        return router
    }

    /// The config the monitor runs now (at start, and after each reload), for the settings page.
    public func show(config: ShownConfig) { shownConfig.withLock { $0 = config } }

    /// The settings page's notifications: the channels run now and what is due for them but was never
    /// tried. The executable fills it from the notifier (the server knows nothing of its triggers).
    public struct Notifications: Sendable {
        public var channels: [MonitorConfig.NotifyChannel]
        public var neverTried: [NotifyStatus.Entry]

        public init(channels: [MonitorConfig.NotifyChannel], neverTried: [NotifyStatus.Entry]) {
            self.channels = channels
            self.neverTried = neverTried
        }
    }

    /// Where the settings page gets its ``Notifications`` from (called on the server's pool).
    public func show(notifications: @escaping @Sendable () throws -> Notifications) { notificationsSource.withLock { $0 = notifications } }

    /// Binds `settings.listen` and serves until ``stop()``; returns once the socket is bound,
    /// or throws naming the address when it cannot be.
    public func start() throws {
        if settings.tlsCert != nil {
            // Refused rather than served over plain HTTP while the config asks for HTTPS.
            throw WebServerError("web.tls_cert: ispmon does not serve HTTPS itself; for HTTPS put it behind a reverse proxy (docs/reverse-proxy.md: Debian's nginx) and remove web.tls_cert and web.tls_key")
        }
        let bound = DispatchSemaphore(value: 0)
        let failure = Mutex<(any Error)?>(nil)
        let limits = settings.limits
        let connections = OpenConnections(limit: limits.maxConnections, perAddress: limits.maxConnectionsPerAddress, logger: logger)
        let app = Application(
            router: router(),
            server: .http1(configuration: .init(
                // Made anew for each connection: the cap first, so a refused one arms no deadline.
                additionalChannelHandlers: [ConnectionCap(connections), RequestDeadline(timeout: TimeAmount(limits.requestTimeout)),
                                            WriteDeadline(timeout: TimeAmount(limits.writeTimeout)), SendBufferCap(), StreamHangup()],
                idleTimeout: WebServer.idleTimeout,
                httpDecoderConfiguration: .init(maxHeaderFieldSize: WebServer.maxHeaders, maxHeaderListSize: WebServer.maxHeaders,
                                                maxHeaderFieldCount: 100))),
            configuration: .init(address: .hostname(settings.listen.host, port: settings.listen.port), serverName: nil),
            onServerRunning: { [self] channel in
                port.store(channel.localAddress?.port ?? 0, ordering: .relaxed)
                bound.signal()
            },
            eventLoopGroupProvider: .shared(group),
            logger: logger)
        // Our own signal handling stops the server (SIGTERM ends the monitor too).
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger))
        let task = Task {
            do { try await group.run() } catch {
                failure.withLock { $0 = error }
                bound.signal()
                throw error
            }
        }
        running.withLock { $0 = (task, group) }
        bound.wait()
        if let error = failure.withLock({ $0 }) {
            throw WebServerError("cannot listen on \(settings.listen): \(error)")
        }
        let address = MonitorConfig.Web.Listen(host: settings.listen.host, port: port.load(ordering: .relaxed))
        logger.info("web UI and API on http://\(address)/")
    }

    /// Closes the server and its connections; returns once they are closed.
    /// Connections get a second to finish (the streams end at once); then they are cut.
    public func stop() {
        guard let (task, services) = running.withLock({ r in defer { r = nil }; return r }) else { return }
        let done = DispatchSemaphore(value: 0)
        Task {
            await services.triggerGracefulShutdown()
            _ = await task.result
            done.signal()
        }
        if done.wait(timeout: .now() + 1) == .timedOut {
            task.cancel()
            done.wait()
        }
        try? pool.syncShutdownGracefully()
        try? livePool.syncShutdownGracefully()
        passwords.stop()
        // The shared loops are the process's (never shut down).
        checks.stop()
    }
}

public struct WebServerError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
