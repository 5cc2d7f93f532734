// swift-tools-version:6.0
import PackageDescription

// Release builds of `track` on Linux lay out first the code the server runs from start-up to its
// first answers (the list is Sources/TrackCLI/startup-order.txt, written by
// Benchmarks/startup-order.sh): the pages an idle server keeps mapped then hold code it ran rather
// than code that merely shares a page with it. Built with `--static-swift-stdlib` (the README's
// release build, under "track server"), the Swift runtime and Foundation are laid out the same way.
let serverReleaseLinking: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-use-ld=lld",
            "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Sources/TrackCLI/startup-order.txt",
            "-Xlinker", "--no-warn-symbol-ordering",
            // The server looks up none of its own symbols at run time: no table of them to load.
            "-Xlinker", "--no-export-dynamic",
        ],
        .when(platforms: [.linux], configuration: .release)
    )
]

let package = Package(
    name: "track",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "track", targets: ["TrackCLI"]),
        .library(name: "Tracker", targets: ["Tracker"]),
        .executable(name: "train-demo", targets: ["TrainDemo"]),
        .executable(name: "tracker-bench", targets: ["TrackerBench"]),
        .executable(name: "track-load", targets: ["TrackLoad"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .target(name: "TrackCore"),
        .target(name: "TrackAPI", dependencies: ["TrackCore"]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "TrackStorageCodec", dependencies: ["TrackCore", "CZlib"]),
        .target(
            name: "TrackSQLite",
            dependencies: [
                "TrackCore", "TrackStorageCodec",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "TrackServer",
            dependencies: [
                "TrackCore", "TrackAPI", "TrackSQLite",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "TrackerDelivery", dependencies: ["TrackCore", "TrackAPI"]),
        .target(name: "Tracker", dependencies: ["TrackerDelivery", "TrackCore", "TrackAPI"]),
        .executableTarget(name: "TrainDemo", dependencies: ["Tracker"], path: "Sources/TrainDemo"),
        .executableTarget(name: "TrackerBench", dependencies: ["Tracker"], path: "Benchmarks/TrackerBench"),
        .executableTarget(name: "TrackLoad", path: "Benchmarks/TrackLoad"),
        .target(
            name: "TrackClient",
            dependencies: [
                "TrackCore", "TrackAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .executableTarget(
            name: "TrackCLI",
            dependencies: [
                "TrackCore", "TrackAPI", "TrackServer", "TrackerDelivery", "TrackClient", "TrackSQLite",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["startup-order.txt"],
            linkerSettings: serverReleaseLinking
        ),
        .target(name: "TrackStoreTesting", dependencies: ["TrackCore"]),
        .testTarget(name: "TrackCoreTests", dependencies: ["TrackCore"]),
        .testTarget(name: "TrackerTests", dependencies: ["Tracker", "TrackServer", "TrackSQLite", "TrackCore", "TrackAPI"]),
        .testTarget(name: "TrackCLITests", dependencies: ["TrackClient", "TrackServer", "TrackSQLite", "TrackCore", "TrackAPI"]),
        .testTarget(name: "TrackAPITests", dependencies: ["TrackAPI", "TrackCore"]),
        .testTarget(name: "TrackStorageCodecTests", dependencies: ["TrackStorageCodec", "TrackCore"]),
        .testTarget(
            name: "TrackStoreConformanceTests",
            dependencies: ["TrackStoreTesting", "TrackSQLite", "TrackStorageCodec", "TrackCore"]
        ),
        .testTarget(
            name: "TrackServerTests",
            dependencies: [
                "TrackServer", "TrackAPI", "TrackCore", "TrackSQLite",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
