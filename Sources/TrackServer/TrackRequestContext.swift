import Hummingbird

/// The request context of the tracking server.
public struct TrackRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Who sent the request, when authentication is on and their credentials were verified.
    public var identity: Identity?
    /// JSON bodies are small (a full 1000-metric log-batch is well under 1 MB); artifacts are
    /// streamed to disk and never collected.
    public var maxUploadSize: Int { 16 * 1024 * 1024 }

    public init(source: Source) {
        coreContext = .init(source: source)
    }
}
