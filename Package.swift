// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "skein",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "skein", targets: ["skein"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        .target(name: "SkeinJSON", dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]),
        .testTarget(name: "SkeinJSONTests", dependencies: ["SkeinJSON"]),
        .target(name: "SkeinCore", dependencies: ["SkeinJSON", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "SkeinCoreTests", dependencies: ["SkeinCore"]),
        .target(name: "SkeinStorage", dependencies: [
            "SkeinCore", .product(name: "CompressNIO", package: "compress-nio"), .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .target(name: "SkeinStorageSQLite", dependencies: ["SkeinStorage", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "SkeinStorageSQLiteTests", dependencies: ["SkeinStorageSQLite"]),
        .target(name: "SkeinEngine", dependencies: [
            "SkeinCore", "SkeinStorage", .product(name: "Logging", package: "swift-log"), .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .target(name: "SkeinApp", dependencies: ["SkeinCore", "SkeinStorage", "SkeinStorageSQLite", "SkeinEngine"]),
        .executableTarget(name: "skein", dependencies: [
            "SkeinApp", "SkeinCore", "SkeinEngine", "SkeinStorage", "SkeinJSON",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
