// swift-tools-version:6.1
import PackageDescription

// Module map (imports flow downward only):
//   executables  worker, jobctl, marketplace-sim, bench, test-worker
//   CLI glue     WorkerCLI
//   marketplaces Zortout, SellOffers, Amazon  (never import each other)
//   simulators   MarketplaceSim               (HTTP servers only, no queue code)
//   engine       JobQueue                     (job model, claim/complete, lease, registry, migrations)
//   transport    HTTPClient, Postgres, Gzip   (URLSession behind a protocol; libpq wrapper; zlib)
//   leaf         ExactJSON                    (JSONValue with Decimal numbers, its parser and writer; Foundation only)
//   C            CLibPQ, CZlib
let package = Package(
    name: "marketplace-jobs",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "worker", targets: ["worker"]),
        .executable(name: "jobctl", targets: ["jobctl"]),
        .executable(name: "marketplace-sim", targets: ["marketplace-sim"]),
        .executable(name: "bench", targets: ["bench"]),
        .executable(name: "console", targets: ["console"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        .target(name: "Postgres", dependencies: ["CLibPQ"]),
        .target(name: "Gzip", dependencies: ["CZlib"]),
        .target(name: "HTTPClient"),
        // Shared by Amazon and MarketplaceSim, so the simulator needs no queue code for exact JSON.
        .target(name: "ExactJSON"),
        .target(
            name: "JobQueue",
            dependencies: [
                "Postgres",
                "HTTPClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // The metrics API only; the Prometheus backend is WorkerCLI's choice.
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "Zortout",
            dependencies: ["JobQueue", "HTTPClient", "Postgres", .product(name: "Logging", package: "swift-log")]
        ),
        .target(name: "SellOffers", dependencies: ["JobQueue", "Postgres"]),
        .target(
            name: "Amazon",
            dependencies: [
                "JobQueue", "HTTPClient", "Postgres", "Gzip", "ExactJSON", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "MarketplaceSim",
            dependencies: [
                "Gzip",
                "ExactJSON",
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "WorkerCLI",
            dependencies: [
                "JobQueue",
                "Postgres",
                "HTTPClient",
                "Zortout",
                "SellOffers",
                "Amazon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "FlyingFox", package: "FlyingFox"),
            ]
        ),
        .executableTarget(
            name: "worker",
            dependencies: ["WorkerCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "test-worker",
            dependencies: [
                "WorkerCLI", "JobQueue", "Postgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tests/test-worker"
        ),
        .executableTarget(
            name: "jobctl",
            dependencies: [
                "WorkerCLI",
                "JobQueue",
                "Postgres",
                "Zortout",
                "SellOffers",
                "Amazon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "marketplace-sim",
            dependencies: [
                "MarketplaceSim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The operator console (issue 12): pages rendered server-side with Mustache, on FlyingFox.
        .target(
            name: "Console",
            dependencies: [
                "JobQueue", "Postgres", "WorkerCLI", "Amazon", "Zortout",
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "FlyingSocks", package: "FlyingFox"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "console",
            dependencies: [
                "Console", "WorkerCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "bench",
            dependencies: [
                "Amazon",
                "Console",
                "HTTPClient",
                "JobQueue",
                "Postgres",
                "WorkerCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Tests. Every target lists each module it imports (no reliance on
        // transitive dependencies). TestSupport starts nothing itself: scripts/test hands it a running cluster.
        .target(name: "TestSupport", dependencies: ["Postgres", "JobQueue"], path: "Tests/TestSupport"),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        .testTarget(
            name: "JobQueueTests",
            dependencies: ["JobQueue", "Postgres", "HTTPClient", "TestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        // No database: the dispatch state machine and the worker's small parts.
        .testTarget(name: "JobQueueUnitTests", dependencies: ["JobQueue"]),
        // No database either: the parser and writer, on Amazon's official example documents among others.
        .testTarget(name: "ExactJSONTests", dependencies: ["ExactJSON", "TestSupport"]),
        .testTarget(
            name: "ZortoutTests",
            dependencies: [
                "Zortout", "MarketplaceSim", "JobQueue", "HTTPClient", "Postgres", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "SellOffersTests",
            dependencies: [
                "SellOffers", "JobQueue", "Postgres", "HTTPClient", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "AmazonClientTests",
            dependencies: [
                "Amazon", "MarketplaceSim", "Gzip", "JobQueue", "HTTPClient", "Postgres", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "AmazonTests",
            dependencies: [
                "Amazon", "Zortout", "MarketplaceSim", "Gzip", "JobQueue", "HTTPClient", "Postgres", "TestSupport", "ExactJSON",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ConsoleTests",
            dependencies: [
                "Console", "JobQueue", "Postgres", "TestSupport", "MarketplaceSim", "HTTPClient", "WorkerCLI",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "EndToEndTests", dependencies: ["Postgres", "TestSupport", "MarketplaceSim", "HTTPClient"]),
    ]
)
