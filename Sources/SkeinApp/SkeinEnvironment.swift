public import Foundation
public import Logging
public import SkeinConnectorsHTTP
public import SkeinCore
public import SkeinEngine
public import SkeinOperations
import SkeinShapes
public import SkeinStorage
import SkeinStoragePostgres
import SkeinStorageSQLite

/// The composition root: opens the data directory and wires the store, the shape catalog,
/// the credential cipher and the executor together. The CLI, `skein serve` and the tests
/// all build Skein through here, so they run the same parts.
public struct SkeinEnvironment: Sendable {
    public let store: any SkeinStore
    public let catalog: ShapeCatalog
    public let cipher: CredentialCipher
    public let instances: StoredInstanceResolver
    public let logger: Logger
    /// Every setting, read and validated once at the root (``SkeinConfiguration``).
    public let configuration: SkeinConfiguration
    /// The process environment, for the variables flows name themselves (a webhook's
    /// `hmac_secret_env`); Skein's own settings come from `configuration`.
    public let environment: [String: String]
    /// When Pending sync entries are retried (`SKEIN_SYNC_BACKOFF`, `SKEIN_SYNC_RETRY_AFTER_MAX`).
    public var syncBackoff: SyncBackoff { configuration.syncBackoff }
    /// Where `script` steps run (`script_sandbox`: bwrap by default, `off`, or bwrap's path).
    var scriptSandbox: ScriptSandbox { configuration.scriptSandbox }
    /// The connector definitions: the shipped ones and the user's, from `DATA_DIR/connectors/`
    /// or the directory in `SKEIN_CONNECTORS_DIR` (docs/connectors.md).
    public let connectors: ConnectorCatalog
    /// The blueprints: the shipped ones and the user's, from `DATA_DIR/blueprints/` or the
    /// directory in `SKEIN_BLUEPRINTS_DIR` (docs/blueprints.md).
    public let blueprints: BlueprintCatalog
    public var dataDirectory: URL { configuration.dataDirectory }

    /// Opens the configuration's data directory (created if missing): `skein.sqlite` and `credentials.key`.
    ///
    /// The configuration's `database` chooses the store: nil (or a path) is SQLite (`DATA_DIR/skein.sqlite` by
    /// default), `postgres://user:password@host:port/database` is PostgreSQL, shared by every
    /// process of a deployment. PostgreSQL is connected on first use (`prepareStore()` at start).
    /// Processes sharing a PostgreSQL database must share the credential key too (the same
    /// `credentials.key` or `SKEIN_CREDENTIAL_KEY`).
    ///
    /// The credential key comes from `SKEIN_CREDENTIAL_KEY` (64 hex digits) when set, else from
    /// the key file, which is created with 0600 permissions on first start (written atomically, so
    /// a crash never leaves a short key behind). A `credentials.key.previous` left by an unfinished
    /// rotation (or `SKEIN_PREVIOUS_CREDENTIAL_KEY`) is used to open credentials not yet re-sealed.
    ///
    /// `environment` is only where flows' own variables are looked up (see `environment`); the
    /// executable passes the process's, a test what it means to.
    public init(
        configuration: SkeinConfiguration, environment: [String: String],
        logger: Logger, extraShapes: [any ShapeKind] = []
    ) throws {
        self.configuration = configuration
        self.logger = logger
        let dataDirectory = configuration.dataDirectory
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(at: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SkeinSetupError("cannot create the data directory \(dataDirectory.path): \(error.localizedDescription)")
        }
        store = try SkeinEnvironment.openStore(configuration.database, dataDirectory: dataDirectory, logger: logger)
        let keys = try SkeinEnvironment.credentialKeys(in: dataDirectory, configuration: configuration)
        cipher = try CredentialCipher(keyBytes: keys.current, previousKeyBytes: keys.previous)
        if cipher.hasPreviousKey {
            logger.warning("a credential key rotation has not finished (a previous key is still present); run `skein instance rotate-key` to complete it")
        }
        self.environment = environment
        instances = StoredInstanceResolver(store: store, cipher: cipher)
        connectors = ConnectorCatalog.load(directory: configuration.connectorsDirectory ?? dataDirectory.appendingPathComponent("connectors").path)
        for error in connectors.errors { logger.warning("connector definition not loaded: \(error)") }
        blueprints = BlueprintCatalog.load(directory: configuration.blueprintsDirectory ?? dataDirectory.appendingPathComponent("blueprints").path)
        for error in blueprints.errors { logger.warning("blueprint not loaded: \(error)") }
        self.catalog = SkeinEnvironment.catalog(
            store: store, connectors: connectors, scriptSandbox: configuration.scriptSandbox,
            extraShapes: extraShapes)
    }

    /// Opens `dataDirectory` with `database` and every other setting from `environment` (no
    /// flags, no configuration file): for tests and tools that build Skein directly.
    public init(
        dataDirectory: URL, database: String? = nil, environment: [String: String],
        logger: Logger, extraShapes: [any ShapeKind] = []
    ) throws {
        var flags = ["data_dir": dataDirectory.path]
        flags["database"] = database
        try self.init(
            configuration: try SkeinConfiguration.resolve(flags: flags, environment: environment), environment: environment,
            logger: logger, extraShapes: extraShapes)
    }

    /// Every shape type this build knows, with the shipped connector definitions. Without a
    /// store it is for reading flows and their specs only (`skein flow schema`, docs): shapes
    /// that remember things cannot run from it.
    public static func specCatalog() -> ShapeCatalog { catalog(store: nil, connectors: .builtIn, scriptSandbox: .automatic) }

    static func catalog(
        store: (any SkeinStore)?, connectors: ConnectorCatalog, scriptSandbox: ScriptSandbox,
        extraShapes: [any ShapeKind] = []
    ) -> ShapeCatalog {
        var catalog = ShapeCatalog()
        for shape in ConnectorShapes.all(connectors) + StoredShapes.all(store: store, client: ConnectorShapes.client, scriptSandbox: scriptSandbox)
            + extraShapes
        { catalog.register(shape) }
        return catalog
    }

    /// The store `database` names (see `init`).
    static func openStore(_ database: String?, dataDirectory: URL, logger: Logger) throws -> any SkeinStore {
        guard let database, !database.isEmpty else {
            return try SQLiteStore(path: dataDirectory.appendingPathComponent("skein.sqlite").path)
        }
        if database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") {
            do {
                return PostgresStore(try PostgresAddress(url: database), logger: logger)
            } catch let error as PostgresAddressError {
                throw SkeinSetupError("the database URL is not usable: \(error)")
            }
        }
        let path = database.hasPrefix("sqlite://") ? String(database.dropFirst("sqlite://".count)) : database
        guard !database.contains("://") || database.hasPrefix("sqlite://") else {
            throw SkeinSetupError("the database must be postgres://user:password@host:port/database or a SQLite file path")
        }
        return try SQLiteStore(path: path)
    }

    /// Where the store is, for logs: the SQLite path or the PostgreSQL server (never its password).
    public var storeDescription: String {
        if let postgres = store as? PostgresStore { return "PostgreSQL \(postgres.address)" }
        if let sqlite = store as? SQLiteStore { return "SQLite \(sqlite.path)" }
        return "\(type(of: store))"
    }

    /// Connects to the store and runs its pending migrations now, so a server that cannot be
    /// reached is reported at start, plainly, rather than by the first request.
    public func prepareStore() async throws {
        if let postgres = store as? PostgresStore { try await postgres.prepare() }
    }

    /// What `skein serve` warns about at start when scripts are not confined: nil when the
    /// sandbox works; otherwise why scripts will be refused, or that the operator turned it off.
    public func scriptSandboxWarning() async -> String? {
        if scriptSandbox.isOff {
            return "script steps run WITHOUT a sandbox (\(ScriptSandbox.variable)=off): a flow's script can read and write "
                + "everything this process's user can, the data directory and its credential key included"
        }
        return await scriptSandbox.problem().map { "script steps will be refused until this is fixed: \($0)" }
    }

    /// The shape catalog for checking a flow before it is deployed: like `catalog`, but its
    /// `http` shape knows which connector each stored instance uses, so an `endpoint:` or
    /// `params:` that instance's connector does not have is a problem at its path.
    public func validationCatalog() async throws -> ShapeCatalog { try await validationCatalog(adding: [:]) }

    /// `validationCatalog()` as if the instances `name → connector` existed too (a blueprint's,
    /// checked before they are created).
    public func validationCatalog(adding extra: [String: String]) async throws -> ShapeCatalog {
        var instanceConnectors: [String: String] = [:]
        for stored in try await store.storedInstances() {
            if let connector = stored.settings["connector"]?.stringValue { instanceConnectors[stored.name] = connector }
        }
        instanceConnectors.merge(extra) { _, new in new }
        var validation = catalog
        validation.register(ConnectorShapes.http(connectors, instanceConnectors: instanceConnectors))
        return validation
    }

    /// An executor for runs in this process. `SKEIN_RUN_LOG_BATCH` caps how many runs' writes
    /// share one run-log commit (default 256; 1 = each run's writes committed alone).
    public func executor(onEvent: @escaping @Sendable (RunEvent) -> Void = { _ in }) -> RunExecutor {
        RunExecutor(
            store: store, catalog: catalog, instances: instances, logger: logger, syncBackoff: syncBackoff,
            runLogBatch: configuration.runLogBatch, onEvent: onEvent)
    }

    /// Sends sync entries again (automatic retries and resyncs people ask for).
    public func syncResender() -> SyncResender {
        SyncResender(store: store, catalog: catalog, instances: instances, backoff: syncBackoff, logger: logger)
    }

    /// The credential key file in `directory`.
    public static func keyFile(in directory: URL) -> URL { directory.appendingPathComponent("credentials.key") }
    /// The key a rotation replaced, kept until every instance is sealed with the new one.
    public static func previousKeyFile(in directory: URL) -> URL { directory.appendingPathComponent("credentials.key.previous") }

    /// The current key and, while a rotation is unfinished, the previous one.
    static func credentialKeys(in directory: URL, configuration: SkeinConfiguration) throws -> (current: [UInt8], previous: [UInt8]?) {
        if let current = configuration.credentialKey { return (current, configuration.previousCredentialKey) }
        let keyFile = keyFile(in: directory)
        let previous = try KeyFile.read(previousKeyFile(in: directory))
        if let existing = try KeyFile.read(keyFile) { return (existing, previous) }
        let key = CredentialCipher.generateKey()
        try KeyFile.writeAtomically(key, to: keyFile)
        return (key, previous)
    }
}

/// A problem setting Skein up (data directory, key, configuration), said plainly.
public struct SkeinSetupError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension [UInt8] {
    init?(hex: String) {
        let characters = Array(hex.utf8)
        guard characters.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = 0
        while index < characters.count {
            guard let byte = UInt8(String(decoding: characters[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
            index += 2
        }
        self = bytes
    }
}
