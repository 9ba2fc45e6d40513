// swift-tools-version: 6.1
// Fuzz targets for ispmon's parsers (libFuzzer, with the address sanitizer), kept in their
// own package like Benchmarks/ so that the main build stays free of sanitizer flags.
//
//   tools/fuzz [--seconds N] [TARGET...]
//
// Each executable target defines `LLVMFuzzerTestOneInput` and a `<Target>_main` (SwiftPM's name
// for an executable's entry point) that hands over to libFuzzer's driver, linked in by
// `-sanitize=fuzzer`. The flags must reach every module (the
// parsers' code is what gets coverage instrumentation), so tools/fuzz passes them on the
// command line rather than here: `-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library`.
// The seed corpora are in Corpus/<target>/.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// One fuzz target: an executable with its entry point in Sources/<name>/.
func fuzzer(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzSupport"] + dependencies, swiftSettings: swiftSettings)
}

let core: Target.Dependency = .product(name: "ISPMonCore", package: "ispmon")
let config: Target.Dependency = .product(name: "ISPMonConfig", package: "ispmon")
let control: Target.Dependency = .product(name: "ISPMonControl", package: "ispmon")
let monitor: Target.Dependency = .product(name: "ISPMonMonitor", package: "ispmon")
let query: Target.Dependency = .product(name: "ISPMonQuery", package: "ispmon")

let package = Package(
    name: "ispmon-fuzz",
    dependencies: [
        .package(name: "ispmon", path: ".."),
    ],
    targets: [
        // What several targets share: reading libFuzzer's input, failing loudly, the chunk container.
        .target(name: "FuzzSupport", dependencies: [core, "CLibFuzzer"], swiftSettings: swiftSettings),
        // Declarations of libFuzzer's driver and mutator.
        .target(name: "CLibFuzzer"),
        fuzzer("FuzzEventJSON", [core]),
        fuzzer("FuzzChunkBytes", [core]),
        fuzzer("FuzzChunk", [core, "CLibFuzzer"]),
        fuzzer("FuzzConfig", [core, config]),
        fuzzer("FuzzDNS", [core, monitor]),
        fuzzer("FuzzHTTP", [monitor]),
        fuzzer("FuzzICMP", [monitor]),
        fuzzer("FuzzControl", [control]),
        fuzzer("FuzzResolverFiles", [monitor]),
        fuzzer("FuzzForm", [query]),
        fuzzer("FuzzCheck", [config, control]),
    ]
)
