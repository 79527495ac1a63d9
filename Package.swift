// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "skein",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        .target(name: "SkeinJSON", dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]),
        .testTarget(name: "SkeinJSONTests", dependencies: ["SkeinJSON"]),
        .target(name: "SkeinCore", dependencies: ["SkeinJSON", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "SkeinCoreTests", dependencies: ["SkeinCore"]),
    ],
    swiftLanguageModes: [.v6]
)
