import Foundation
import Hummingbird
import Logging
import NIOCore
import TrackCore
import TrackSQLite

/// The composition root of the server: the store, the artifact folder, the routes.
public enum TrackServerApplication {
    /// Builds the server: opens (and migrates) the store before anything listens.
    public static func build(_ configuration: ServerConfiguration) async throws -> some ApplicationProtocol {
        let logger = {
            var logger = Logger(label: "track.server")
            logger.logLevel = configuration.logLevel
            return logger
        }()
        if !configuration.requiresAuthentication, !configuration.allowsInsecureNoAuth, !ServerConfiguration.isLoopback(configuration.host) {
            throw TrackError.invalidParameter(
                "Refusing to listen on \(configuration.host) without authentication: anyone who can reach it could read and change every run. Turn authentication on with --auth (create users with `track users add`), or accept the risk with --insecure-no-auth."
            )
        }
        try FileManager.default.createDirectory(at: configuration.dataDirectory, withIntermediateDirectories: true)
        // Held shared for the life of the process: `track restore --backup` waits for no server.
        let folderLock = try DataFolderLock(folder: configuration.dataDirectory, mode: .shared)
        let store = try makeStore(configuration, logger: logger)
        if configuration.requiresAuthentication, try await store.users().isEmpty {
            throw TrackError.invalidParameter(
                "Authentication is on but there are no users yet: create the first with `track users add NAME --role admin --data-dir \(configuration.dataDirectory.path)`."
            )
        }
        let artifacts = try LocalArtifactStore(root: configuration.resolvedArtifactRoot)
        let router = buildRouter(store: store, artifacts: artifacts, configuration: configuration, logger: logger)
        return Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: .nanoseconds(Int64(configuration.idleTimeout / .nanoseconds(1))))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "track"),
            onServerRunning: { channel in
                _ = folderLock
                logger.info("track server listening", metadata: [
                    "address": "\(channel.localAddress?.description ?? "")",
                    "data": "\(configuration.dataDirectory.path)",
                ])
            },
            logger: logger
        )
    }

    /// Picks the store from its URI: `sqlite:` (the default, in the data directory).
    static func makeStore(_ configuration: ServerConfiguration, logger: Logger) throws -> SQLiteTrackingStore {
        var storeLogger = Logger(label: "track.store.sqlite")
        storeLogger.logLevel = configuration.logLevel
        let durability: SQLiteTrackingStore.Durability = configuration.durableAgainstPowerLoss ? .power : .process
        let path: String
        if let uri = configuration.backendStoreURI, !uri.isEmpty {
            if uri.hasPrefix("sqlite:///") {
                path = "/" + uri.dropFirst("sqlite:///".count)
            } else if uri.hasPrefix("sqlite://") {
                path = String(uri.dropFirst("sqlite://".count))
            } else {
                throw TrackError.invalidParameter("Unsupported backend store URI '\(uri)'. Use sqlite:///path/to/track.db.")
            }
        } else {
            path = configuration.dataDirectory.appendingPathComponent("track.db").path
        }
        return try SQLiteTrackingStore(
            path: path, durability: durability, runCacheBytes: max(0, configuration.runCacheMegabytes) << 20, logger: storeLogger
        )
    }

    static func buildRouter<Store: TrackingStore & UserStore & ModelRegistryStore>(
        store: Store, artifacts: LocalArtifactStore, configuration: ServerConfiguration, logger: Logger
    ) -> Router<TrackRequestContext> {
        let router = Router(context: TrackRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: HostAllowListMiddleware(allowed: Set(configuration.allowedHosts)))
        router.add(middleware: AuthenticationMiddleware(authenticator: configuration.requiresAuthentication ? Authenticator(users: store) : nil))
        if configuration.logLevel <= .debug {
            router.add(middleware: LogRequestsMiddleware(.debug))
        }
        var mlflow = APIRouter(router: router, prefixes: ["/api/2.0/mlflow", "/ajax-api/2.0/mlflow"])
        ExperimentRoutes(store: store).register(on: &mlflow)
        RunRoutes(store: store).register(on: &mlflow)
        LoggedModelRoutes(store: store).register(on: &mlflow)
        RegistryRoutes(store: store).register(on: &mlflow)
        MetricRoutes(store: store).register(on: &mlflow)
        ServiceRoutes().register(on: router, api: &mlflow)
        ArtifactRoutes(store: store, artifacts: artifacts).register(on: router, api: &mlflow)
        mlflow.finish()
        var track = APIRouter(router: router, prefixes: ["/api/2.0/track"])
        InsightRoutes(store: store).register(on: &track)
        track.finish()
        APIRouter.answerUnknownEndpoints(on: router, under: ["/api", "/ajax-api"])
        if let webRoot = configuration.webRoot ?? StaticFiles.defaultRoot() {
            StaticFiles(root: webRoot).register(on: router)
        } else {
            logger.warning("web UI folder not found; the API is served without the UI")
        }
        return router
    }
}
