// swift-tools-version: 6.1
// Benchmarks for ispmon, kept in their own package so that the benchmark
// package and its malloc interposer stay out of the main build.
//
//   swift package --package-path Benchmarks benchmark          (or tools/bench)
//
// Benchmark sources live in Benchmarks/<Target>/ as the benchmark plugin requires.
import PackageDescription

let package = Package(
    name: "ispmon-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "ispmon", path: ".."),
        // MallocInterposer (malloc-interposer package, no jemalloc) gives the malloc* metrics.
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "Ingest",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ISPMonCore", package: "ispmon"),
                .product(name: "ISPMonStore", package: "ispmon"),
            ],
            path: "Benchmarks/Ingest",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
    ]
)
