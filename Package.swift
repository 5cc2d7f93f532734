// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "track",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "track", targets: ["TrackCLI"]),
        .library(name: "Tracker", targets: ["Tracker"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        .target(name: "TrackCore"),
        .target(name: "TrackAPI", dependencies: ["TrackCore"]),
        .target(
            name: "TrackSQLite",
            dependencies: [
                "TrackCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "TrackServer",
            dependencies: [
                "TrackCore", "TrackAPI", "TrackSQLite",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "Tracker", dependencies: ["TrackCore", "TrackAPI"]),
        .executableTarget(
            name: "TrackCLI",
            dependencies: [
                "TrackCore", "TrackAPI", "TrackServer", "Tracker",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "TrackStoreTesting", dependencies: ["TrackCore"]),
        .testTarget(name: "TrackCoreTests", dependencies: ["TrackCore"]),
        .testTarget(name: "TrackAPITests", dependencies: ["TrackAPI", "TrackCore"]),
        .testTarget(
            name: "TrackStoreConformanceTests",
            dependencies: ["TrackStoreTesting", "TrackSQLite", "TrackCore"]
        ),
        .testTarget(
            name: "TrackServerTests",
            dependencies: [
                "TrackServer", "TrackAPI", "TrackCore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
