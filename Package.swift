// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "skein",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    ],
    targets: [
        .target(name: "SkeinJSON", dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]),
        .testTarget(name: "SkeinJSONTests", dependencies: ["SkeinJSON"]),
    ],
    swiftLanguageModes: [.v6]
)
