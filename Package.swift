// swift-tools-version: 6.1
import PackageDescription

// Same upcoming features as Hummingbird: explicit `any`, imports visible only
// where they are written, and internal imports unless a module re-exports.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "ispmon",
    products: [
        .executable(name: "ispmon", targets: ["ispmon"]),
        .library(name: "ISPMonCore", targets: ["ISPMonCore"]),
        .library(name: "ISPMonStore", targets: ["ISPMonStore"]),
        .library(name: "LMDB", targets: ["LMDB"]),
        .library(name: "ISPMonQuery", targets: ["ISPMonQuery"]),
        .library(name: "ISPMonMonitor", targets: ["ISPMonMonitor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // C libraries, found through pkg-config; apt names the package that provides them.
        .systemLibrary(name: "CLMDB", pkgConfig: "lmdb", providers: [.apt(["liblmdb-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // TLS for https probes and speed tests.
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        // adjtimex(2) from the C library (the clock's synchronization state).
        .systemLibrary(name: "CTimex"),

        // A small Swift face on liblmdb that knows nothing of ispmon.
        .target(name: "LMDB", dependencies: ["CLMDB"], swiftSettings: swiftSettings),

        // Pure core: events, NDJSON, times, the chunk codec. No I/O beyond zstd's in-memory calls.
        .target(name: "ISPMonCore", dependencies: ["CZstd"], swiftSettings: swiftSettings),

        // The event log on LMDB.
        .target(name: "ISPMonStore", dependencies: ["LMDB", "ISPMonCore"], swiftSettings: swiftSettings),

        // The questions asked of a store, as typed answers and their one JSON form:
        // what the CLI and the web server both answer with.
        .target(name: "ISPMonQuery", dependencies: ["ISPMonCore", "ISPMonStore"], swiftSettings: swiftSettings),

        // The monitor: config, probes (real sockets), scheduler, link watcher.
        .target(
            name: "ISPMonMonitor",
            dependencies: [
                "ISPMonCore", "ISPMonStore", "COpenSSL", "CTimex",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),

        // The thin executable.
        .executableTarget(
            name: "ispmon",
            dependencies: [
                "ISPMonCore", "ISPMonStore", "ISPMonQuery", "ISPMonMonitor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // What several test targets share (a temporary directory).
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "ISPMonCoreTests", dependencies: ["ISPMonCore"], swiftSettings: swiftSettings),
        // Runs the real `ispmon` binary: import/export, bad input, damage, kill -9.
        .testTarget(
            name: "ISPMonCLITests",
            dependencies: ["ispmon", "ISPMonCore", "ISPMonStore", "ISPMonQuery", "LMDB", "TestSupport"],
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ISPMonMonitorTests",
            dependencies: ["ISPMonMonitor", "ISPMonCore", "ISPMonStore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ISPMonQueryTests",
            dependencies: ["ISPMonQuery", "ISPMonCore", "ISPMonStore", "LMDB", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ISPMonStoreTests",
            dependencies: ["ISPMonStore", "ISPMonCore", "LMDB", "TestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
