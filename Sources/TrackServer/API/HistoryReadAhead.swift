import Hummingbird
import NIOCore
import Synchronization
import TrackAPI
import TrackCore

/// Prepares the next page of a paged `metrics/get-history` read while the client is still
/// reading the page it has, so a client paging through a long history (the mlflow client asks
/// for 25,000 points at a time) rarely waits for the server after its first page.
///
/// A prepared page is answered only to the request it was prepared for (same run, key, page size
/// and token), once, and only while the series' revision is the one read before the page was:
/// a point added since means the page is read again, as if nothing had been prepared. Prepared
/// pages hold at most ``byteLimit`` bytes together and are dropped after ``lifetime``; when
/// there is no room, nothing is prepared.
final class HistoryReadAhead<Store: TrackingStore>: Sendable {
    struct Request: Hashable, Sendable {
        var runID: String
        var key: String
        var maxResults: Int
        var pageToken: String?
    }

    private struct Prepared: Sendable {
        let revision: MetricSeriesRevision
        let body: ByteBuffer
        let nextPageToken: String?
    }

    private struct Entry {
        let page: Task<Prepared?, Never>
        let bytes: Int
        let expires: ContinuousClock.Instant
    }

    /// The most points of a page prepared ahead (pages of up to 100,000 points take about
    /// 11 MB at most).
    static var maxPagePoints: Int { 100_000 }

    private let store: Store
    private let byteLimit: Int
    private let lifetime: Duration
    private let entries = Mutex<[Request: Entry]>([:])

    init(store: Store, byteLimit: Int = 64 << 20, lifetime: Duration = .seconds(30)) {
        self.store = store
        self.byteLimit = byteLimit
        self.lifetime = lifetime
    }

    /// The answer to `request`: the page prepared for it when its series is unchanged, else read
    /// now. Either way the page after it is then prepared.
    func answer(_ request: Request) async throws -> Response {
        if let prepared = entries.withLock({ $0.removeValue(forKey: request) }),
           let page = await prepared.page.value,
           let revision = try? await store.metricSeriesRevision(runID: request.runID, key: request.key),
           revision == page.revision {
            prepareNext(after: request, token: page.nextPageToken)
            return JSONResponse.body(page.body)
        }
        let page = try await store.metricHistory(runID: request.runID, key: request.key, maxResults: request.maxResults, pageToken: request.pageToken)
        prepareNext(after: request, token: page.nextPageToken)
        return JSONResponse.body(Self.encode(page, key: request.key))
    }

    /// `{"metrics":[…],"next_page_token":…}`.
    static func encode(_ page: Page<MetricPoint>, key: String) -> ByteBuffer {
        JSONResponse.metricPointsBody(page.items, encoder: MetricPointEncoder(key: key)) { writer in
            if let token = page.nextPageToken { writer.key("next_page_token"); writer.string(token) }
        }
    }

    /// Starts reading and encoding the page after the one `request` was answered with (if there
    /// is one) when there is room for it.
    private func prepareNext(after answered: Request, token: String?) {
        guard let token, answered.maxResults <= Self.maxPagePoints else { return }
        let request = Request(runID: answered.runID, key: answered.key, maxResults: answered.maxResults, pageToken: token)
        let bytes = MetricPointEncoder(key: request.key).maxBytes(points: request.maxResults)
        let now = ContinuousClock.now
        let store = self.store
        let added = entries.withLock { entries -> Bool in
            entries = entries.filter { $0.value.expires > now }
            guard entries[request] == nil, entries.values.reduce(bytes, { $0 + $1.bytes }) <= byteLimit else { return false }
            let page = Task { () -> Prepared? in
                // The revision is read first: a point added between the two reads leaves the
                // page newer than its revision, and so unused, never older.
                guard let revision = try? await store.metricSeriesRevision(runID: request.runID, key: request.key),
                      let page = try? await store.metricHistory(runID: request.runID, key: request.key, maxResults: request.maxResults, pageToken: request.pageToken)
                else { return nil }
                return Prepared(revision: revision, body: Self.encode(page, key: request.key), nextPageToken: page.nextPageToken)
            }
            entries[request] = Entry(page: page, bytes: bytes, expires: now + lifetime)
            return true
        }
        // An idle server lets its prepared pages go too, whether or not anything asks again.
        if added {
            Task { [lifetime] in
                try? await Task.sleep(for: lifetime)
                self.dropExpired()
            }
        }
    }

    private func dropExpired() {
        let now = ContinuousClock.now
        entries.withLock { $0 = $0.filter { $0.value.expires > now } }
    }

    /// How many pages are prepared or being prepared.
    var preparedPages: Int { entries.withLock { $0.count } }
}
