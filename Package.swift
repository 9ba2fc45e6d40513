// swift-tools-version: 6.1
import PackageDescription

// Same upcoming features as Hummingbird: explicit `any`, imports visible only
// where they are written, and internal imports unless a module re-exports.
// tools/tsan builds with ThreadSanitizer (in .build-tsan): there `Mutex` is a pthread mutex,
// which ThreadSanitizer sees (Sources/ISPMonCore/InstrumentedMutex.swift), and files reach its
// members without importing ISPMonCore themselves (the normal build checks member imports).
let threadSanitizerBuild = Context.environment["ISPMON_TSAN"] == "1"
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
] + (threadSanitizerBuild ? [.define("ISPMON_TSAN")] : [.enableUpcomingFeature("MemberImportVisibility")])

let package = Package(
    name: "ispmon",
    products: [
        .executable(name: "ispmon", targets: ["ispmon"]),
        .library(name: "ISPMonCore", targets: ["ISPMonCore"]),
        .library(name: "ISPMonStore", targets: ["ISPMonStore"]),
        .library(name: "LMDB", targets: ["LMDB"]),
        .library(name: "ISPMonQuery", targets: ["ISPMonQuery"]),
        .library(name: "ISPMonConfig", targets: ["ISPMonConfig"]),
        .library(name: "ISPMonControl", targets: ["ISPMonControl"]),
        .library(name: "ISPMonMonitor", targets: ["ISPMonMonitor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        // Hummingbird's own foundations, named because the server uses their types directly.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        // C libraries, found through pkg-config; apt names the package that provides them.
        .systemLibrary(name: "CLMDB", pkgConfig: "lmdb", providers: [.apt(["liblmdb-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // TLS for https probes and speed tests.
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        // adjtimex(2) from the C library (the clock's synchronization state).
        .systemLibrary(name: "CTimex"),
        // The report's PDF: cairo draws, pango sets the text (the system's fonts), librsvg draws
        // the charts' SVG (the web UI's charts) as vectors onto the page.
        // (the shim says why pango's and librsvg's few functions are declared there).
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev", "libpango1.0-dev", "librsvg2-dev"])]),
        // Notifications: libcurl speaks HTTP(S) and SMTP with TLS, STARTTLS and AUTH; libmosquitto
        // (the mosquitto broker's client library) speaks MQTT.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),

        // A small Swift face on liblmdb that knows nothing of ispmon.
        .target(name: "LMDB", dependencies: ["CLMDB"], swiftSettings: swiftSettings),

        // Pure core: events, NDJSON, times, the chunk codec. No I/O beyond zstd's in-memory calls.
        .target(name: "ISPMonCore", dependencies: ["CZstd"], swiftSettings: swiftSettings),

        // The event log on LMDB.
        .target(name: "ISPMonStore", dependencies: ["LMDB", "ISPMonCore"], swiftSettings: swiftSettings),

        // The questions asked of a store, as typed answers and their one JSON form:
        // what the CLI and the web server both answer with.
        // COpenSSL: the SHA-256 of a report's export (the digest OpenSSL already gives the probes).
        .target(name: "ISPMonQuery", dependencies: ["ISPMonCore", "ISPMonStore", "ISPMonControl", "COpenSSL"], swiftSettings: swiftSettings),

        // The charts (SVG, drawn on the server) of the pages and the reports: pure, no I/O.
        .target(name: "ISPMonCharts", dependencies: [], swiftSettings: swiftSettings),

        // Reports and evidence (docs/reports.md): the query layer's answers drawn as a PDF.
        .target(
            name: "ISPMonReport",
            dependencies: ["ISPMonCore", "ISPMonQuery", "ISPMonCharts", "CCairo", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            resources: [.embedInCode("Resources/print.css")],
            swiftSettings: swiftSettings
        ),

        // The configuration file (docs/config.md): its model and its strict YAML reader. Every
        // front end reads its settings here, without the monitor's probes.
        .target(
            name: "ISPMonConfig",
            dependencies: ["ISPMonCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),

        // What front ends may ask of a running monitor: its jobs over the control socket (both
        // ends of it), the ad-hoc checks' requests and answers, its activity. No probe code.
        .target(name: "ISPMonControl", dependencies: ["ISPMonCore", "ISPMonConfig"], swiftSettings: swiftSettings),

        // Notifications (docs/notify.md): the channels that deliver them and the notifier that
        // keeps the log as its outbox (it follows the store and words its messages with the query
        // layer). No probe code. COpenSSL: the webhook's HMAC-SHA256 signature. ISPMonControl: the
        // settings page's test messages (NotificationTester), which the executable hands the server.
        .target(
            name: "ISPMonNotify",
            dependencies: ["ISPMonCore", "ISPMonConfig", "ISPMonControl", "ISPMonStore", "ISPMonQuery", "ISPMonReport", "CCurl", "CMosquitto", "COpenSSL",
                           .product(name: "Logging", package: "swift-log")],
            // Home Assistant's discovery configs (JSON documents, one a line), carried in the binary.
            resources: [.embedInCode("Resources/home-assistant-discovery.ndjson")],
            swiftSettings: swiftSettings
        ),

        // The monitor: probes (real sockets), scheduler, link watcher.
        .target(
            name: "ISPMonMonitor",
            dependencies: [
                "ISPMonCore", "ISPMonStore", "ISPMonConfig", "ISPMonControl", "COpenSSL", "CTimex",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),

        // The web server: the HTTP API, live updates, metrics and sign-in (docs/http.md), on
        // Hummingbird; it answers from the query layer and knows nothing of the CLI.
        .target(
            name: "ISPMonServer",
            dependencies: [
                "ISPMonCore", "ISPMonQuery", "ISPMonConfig", "ISPMonControl", "ISPMonCharts", "ISPMonReport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // The HTTP parts the connection limits' channel handlers see.
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                // The HTTP/1 parser's errors: a malformed request is the client's fault (ClientErrors).
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                "COpenSSL",
            ],
            // The OpenAPI document, the pages' templates, stylesheet, script and icon: files,
            // carried in the binary as byte arrays (`PackageResources`), so nothing is read from
            // disk at run time.
            resources: [.embedInCode("Resources/openapi.json"), .embedInCode("Pages/Templates"), .embedInCode("Pages/Static")],
            swiftSettings: swiftSettings
        ),

        // The thin executable.
        .executableTarget(
            name: "ispmon",
            dependencies: [
                "ISPMonCore", "ISPMonStore", "ISPMonQuery", "ISPMonConfig", "ISPMonControl", "ISPMonMonitor", "ISPMonServer", "ISPMonReport", "ISPMonNotify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // What several test targets share (a temporary directory).
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "ISPMonCoreTests", dependencies: ["ISPMonCore"], swiftSettings: swiftSettings),
        .testTarget(name: "ISPMonChartsTests", dependencies: ["ISPMonCharts"], swiftSettings: swiftSettings),
        // Runs the real `ispmon` binary: import/export, bad input, damage, kill -9.
        .testTarget(
            name: "ISPMonCLITests",
            dependencies: ["ispmon", "ISPMonCore", "ISPMonStore", "ISPMonQuery", "LMDB", "TestSupport"],
            // Golden: expected outputs; Browser: BrowserTests' Selenium driver (python, read by path).
            exclude: ["Golden", "Browser"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ISPMonConfigTests",
            dependencies: ["ISPMonConfig", "ISPMonCore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ISPMonMonitorTests",
            dependencies: ["ISPMonMonitor", "ISPMonConfig", "ISPMonControl", "ISPMonCore", "ISPMonStore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ISPMonQueryTests",
            dependencies: ["ISPMonQuery", "ISPMonCore", "ISPMonStore", "LMDB", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ISPMonServerTests",
            // HummingbirdOTP: the authenticator app's side of the TOTP test.
            // HTTPTypes: the header names of the server's answers.
            dependencies: ["ISPMonServer", "ISPMonQuery", "ISPMonConfig", "ISPMonControl", "ISPMonCore", "ISPMonStore", "TestSupport",
                           .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                           .product(name: "HTTPTypes", package: "swift-http-types")],
            // Lint: the linters' config and the stylesheet checker (read by path).
            exclude: ["Lint"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ISPMonNotifyTests",
            dependencies: ["ISPMonNotify", "ISPMonConfig", "ISPMonControl", "ISPMonCore", "ISPMonStore", "ISPMonQuery", "TestSupport",
                           .product(name: "Logging", package: "swift-log")],
            // Receivers: the python3 receivers the tests start (read by path).
            exclude: ["Receivers"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ISPMonStoreTests",
            dependencies: ["ISPMonStore", "ISPMonCore", "LMDB", "TestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
