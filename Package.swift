// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "skein",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "skein", targets: ["skein"])
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
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio-ssh.git", from: "0.15.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        // Metrics and traces: the light APIs for the library targets, the exporters (Prometheus,
        // OpenTelemetry over OTLP/HTTP only: the gRPC trait would pull in grpc-swift) for SkeinTelemetry.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        // The Model Context Protocol server behind `skein mcp` and `/mcp`; only SkeinMCP links it.
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
    ],
    targets: [
        .target(name: "SkeinJSON", dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]),
        .testTarget(name: "SkeinJSONTests", dependencies: ["SkeinJSON"]),
        // Release builds of the evaluator skip Swift's run-time exclusivity checks, ~10% of its
        // instructions on an order mapping (Benchmarks/notes.md); debug builds, and with them every
        // test run, still check every access.
        .target(
            name: "JSONata", dependencies: ["SkeinJSON", .product(name: "OrderedCollections", package: "swift-collections")],
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        .testTarget(name: "JSONataTests", dependencies: ["JSONata", "SkeinJSON"], exclude: ["known-failures.txt"]),
        .testTarget(name: "JSONataFormattingTests", dependencies: ["JSONata"]),
        .target(name: "SkeinCore", dependencies: ["SkeinJSON", "JSONata", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "SkeinCoreTests", dependencies: ["SkeinCore"]),
        // Metric names and span helpers on the swift-metrics and swift-distributed-tracing APIs only;
        // which backend receives them is decided once, by the executable (SkeinTelemetry).
        .target(
            name: "SkeinInstrumentation",
            dependencies: [
                .product(name: "Metrics", package: "swift-metrics"), .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]),
        .testTarget(name: "SkeinInstrumentationTests", dependencies: ["SkeinInstrumentation"]),
        .target(
            name: "SkeinStorage",
            dependencies: [
                "SkeinCore", .product(name: "CompressNIO", package: "compress-nio"), .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .target(
            name: "SkeinStorageSQLite",
            dependencies: [
                "SkeinStorage", "SkeinInstrumentation", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "SkeinStorageSQLiteTests", dependencies: ["SkeinStorageSQLite", "SkeinStorageConformance", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(
            name: "SkeinStoragePostgres",
            dependencies: [
                "SkeinStorage", "SkeinCore", "SkeinJSON", "SkeinInstrumentation", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .target(name: "SkeinStorageMemory", dependencies: ["SkeinStorage", "SkeinCore", "SkeinJSON"]),
        .testTarget(name: "SkeinStorageMemoryTests", dependencies: ["SkeinStorageMemory", "SkeinStorageConformance", "SkeinStorage", "SkeinCore"]),
        .target(name: "SkeinStorageConformance", dependencies: ["SkeinStorage", "SkeinCore", "SkeinJSON"]),
        .testTarget(
            name: "SkeinStoragePostgresTests",
            dependencies: [
                "SkeinStoragePostgres", "SkeinStorageConformance", "SkeinStorage", "SkeinCore", "SkeinTestSupport",
                "SkeinStorageSQLite", .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .target(
            name: "SkeinEngine",
            dependencies: [
                "SkeinCore", "SkeinStorage", "JSONata", "SkeinInstrumentation",
                .product(name: "Logging", package: "swift-log"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(
            name: "SkeinEngineTests",
            dependencies: [
                "SkeinEngine", "SkeinStorageSQLite", "SkeinStorageMemory", "SkeinCore", "SkeinStorage", "SkeinJSON",
                .product(name: "Logging", package: "swift-log"), .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ]),
        .target(
            name: "SkeinConnectorsHTTP",
            dependencies: [
                "SkeinCore", "SkeinJSON", "JSONata", "SkeinInstrumentation",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            resources: [
                // The shipped connector definitions, compiled into the binary (no bundle to install).
                .embedInCode("Definitions/shopify.yaml"), .embedInCode("Definitions/woocommerce.yaml"),
                .embedInCode("Definitions/bigcommerce.yaml"), .embedInCode("Definitions/magento.yaml"),
            ]),
        .testTarget(
            name: "SkeinConnectorsHTTPTests",
            dependencies: [
                "SkeinConnectorsHTTP", "SkeinCore", "SkeinJSON", "SkeinStorageMemory",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .target(
            name: "SkeinSFTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSH", package: "swift-nio-ssh"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "SkeinTestSupport", path: "Sources/SkeinTestSupport"),
        .testTarget(
            name: "SkeinSFTPTests",
            dependencies: [
                "SkeinSFTP", "SkeinTestSupport", "SkeinConnectorsSFTP", "SkeinCore", "SkeinJSON",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSH", package: "swift-nio-ssh"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // Every use case the front ends offer (CLI, API, UI, MCP), with one set of parsers, permissions and errors.
        .target(
            name: "SkeinOperations",
            dependencies: [
                "SkeinCore", "SkeinStorage", "SkeinJSON", "SkeinEngine",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            resources: [
                // The shipped blueprints (docs/blueprints.md), compiled into the binary; every file
                // needs a name of its own, since SwiftPM names embedded files by their file name.
                .embedInCode("Blueprints/Shipped/shopify-to-wms.yaml"),
                .embedInCode("Blueprints/Shipped/shopify-to-wms/shopify-orders-to-wms.yaml"),
                .embedInCode("Blueprints/Shipped/shopify-to-wms/shopify-shipping-to-wms-carrier.csv"),
                .embedInCode("Blueprints/Shipped/wms-stock-to-shopify.yaml"),
                .embedInCode("Blueprints/Shipped/wms-stock-to-shopify/wms-stock-levels-to-shopify.yaml"),
                .embedInCode("Blueprints/Shipped/wms-stock-to-shopify/wms-warehouse-to-shopify-location.csv"),
            ]),
        .testTarget(
            name: "SkeinOperationsTests",
            dependencies: [
                "SkeinOperations", "SkeinCore", "SkeinStorage", "SkeinStorageMemory", "SkeinJSON", "SkeinEngine",
            ]),
        // The MCP server: tools over SkeinOperations for assistants, on stdio (`skein mcp`) and on
        // streamable HTTP (`/mcp` under `skein serve`). Its own target, so the SDK's build cost stays here.
        .target(
            name: "SkeinMCP",
            dependencies: [
                "SkeinOperations", "SkeinCore", "SkeinStorage", "SkeinJSON", "SkeinEngine", .product(name: "MCP", package: "swift-sdk"),
            ]),
        .testTarget(
            name: "SkeinMCPTests",
            dependencies: [
                "SkeinMCP", "SkeinOperations", "SkeinCore", "SkeinStorage", "SkeinStorageMemory", "SkeinJSON", "SkeinEngine",
                .product(name: "MCP", package: "swift-sdk"),
            ]),
        .target(
            name: "SkeinWeb",
            dependencies: [
                "SkeinCore", "SkeinStorage", "SkeinJSON", "SkeinEngine", "JSONata", "SkeinInstrumentation", "SkeinOperations",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .testTarget(
            name: "SkeinWebTests",
            dependencies: [
                "SkeinWeb", "SkeinOperations", "SkeinCore", "SkeinStorage", "SkeinStorageSQLite", "SkeinStoragePostgres", "SkeinStorageMemory",
                "SkeinTestSupport",
                "SkeinJSON", "SkeinEngine", "SkeinMCP",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(
            name: "SkeinConnectorsSFTP",
            dependencies: [
                "SkeinCore", "SkeinJSON", "SkeinSFTP", "SkeinInstrumentation", .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "SkeinConnectorsDatabase",
            dependencies: [
                "SkeinCore", "SkeinJSON", "JSONata", "SkeinInstrumentation",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "SkeinConnectorsDatabaseTests", dependencies: ["SkeinConnectorsDatabase", "SkeinCore", "SkeinJSON", "SkeinTestSupport"]),
        .target(
            name: "SkeinShapes",
            dependencies: [
                "SkeinCore", "SkeinStorage", "SkeinJSON", "JSONata",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]),
        .testTarget(
            name: "SkeinShapesTests",
            dependencies: [
                "SkeinShapes", "SkeinCore", "SkeinStorage", "SkeinStorageSQLite", "SkeinStorageMemory", "SkeinEngine", "SkeinJSON",
                "SkeinTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "SkeinApp",
            dependencies: [
                "SkeinCore", "SkeinStorage", "SkeinStorageSQLite", "SkeinEngine", "SkeinConnectorsHTTP", "SkeinWeb", "SkeinOperations", "SkeinMCP",
                "SkeinConnectorsSFTP", "SkeinConnectorsDatabase", "SkeinShapes", "SkeinStoragePostgres", .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "SkeinAppTests",
            dependencies: [
                "SkeinApp", "SkeinEngine", "SkeinStorage", "SkeinCore", "SkeinJSON", "SkeinOperations",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The exporters: Prometheus text on a metrics port and OpenTelemetry traces over OTLP. Only the
        // executable links it, so swift-otel and swift-protobuf (about a minute of CPU in a clean build) stay off the library targets.
        .target(
            name: "SkeinTelemetry",
            dependencies: [
                "SkeinInstrumentation", "SkeinStorage", "SkeinCore",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .target(
            name: "SkeinBenchmarks",
            dependencies: [
                "SkeinApp", "SkeinCore", "SkeinEngine", "SkeinStorage", "SkeinJSON", "JSONata",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(
            name: "skein",
            dependencies: [
                "SkeinApp", "SkeinTelemetry", "SkeinBenchmarks", "SkeinShapes", "SkeinConnectorsHTTP", "SkeinCore", "SkeinEngine", "SkeinStorage",
                "SkeinJSON", "JSONata", "SkeinOperations", "SkeinMCP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)

// Strict settings for Skein's own code (dependencies keep theirs): every compiler warning is an
// error, so warnings cannot pile up unread (Swift 6 mode already checks concurrency strictly).
// Test targets are left out: the swift-testing macros' own expansions warn on this toolchain
// ("'@const' value should be initialized with a compile-time value"), which no test can fix.
let strictSettings: [SwiftSetting] = [.treatAllWarnings(as: .error)]
for target in package.targets where target.type != .test {
    target.swiftSettings = (target.swiftSettings ?? []) + strictSettings
}
