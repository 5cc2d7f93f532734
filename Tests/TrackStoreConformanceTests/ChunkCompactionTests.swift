import Foundation
import GRDB
import Testing
import TrackCore
@testable import TrackSQLite

/// Merging small metric chunks outside the write transaction: every point stays exactly as
/// logged, the series' count of small chunks stays true, and a merge whose chunks changed after
/// it read them stores nothing.
@Suite("Chunk compaction")
struct ChunkCompactionTests {
    static let t0: Int64 = 1_700_000_000_000

    /// A fresh store in a fresh folder with one run.
    static func makeStore(durability: SQLiteTrackingStore.Durability = .process) async throws -> (SQLiteTrackingStore, String, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("track-compaction-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteTrackingStore(path: directory.appendingPathComponent("c.sqlite").path, durability: durability)
        let experimentID = try await store.createExperiment(name: "compaction", artifactLocation: nil, tags: [])
        let run = try await store.createRun(RunCreation(experimentID: experimentID))
        return (store, run.info.runID, directory)
    }

    /// Values that exercise the bit-exact path: NaN, infinities, negative zero, subnormals.
    static func value(_ step: Int) -> Double {
        switch step % 11 {
        case 0: return .nan
        case 1: return .infinity
        case 2: return -.infinity
        case 3: return -0.0
        case 4: return .leastNonzeroMagnitude
        default: return Double(step) * 0.001 - 1.0 / Double(step + 1)
        }
    }

    /// `count` points of `key` from `start`, in batches of `batch`, each batch's points shuffled.
    static func log(_ store: SQLiteTrackingStore, run: String, key: String, start: Int = 0, count: Int, batch: Int) async throws {
        var step = start
        while step < start + count {
            let end = min(step + batch, start + count)
            let metrics = (step..<end).shuffled().map { Metric(key: key, value: value($0), timestamp: t0 + Int64($0), step: Int64($0)) }
            try await store.logBatch(runID: run, metrics: metrics, params: [], tags: [])
            step = end
        }
    }

    static func history(_ store: SQLiteTrackingStore, run: String, key: String) async throws -> [MetricPoint] {
        var points: [MetricPoint] = []
        var token: String?
        repeat {
            let page = try await store.metricHistory(runID: run, key: key, maxResults: 25_000, pageToken: token)
            points += page.items
            token = page.nextPageToken
        } while token != nil
        return points
    }

    static func expectExact(_ points: [MetricPoint], steps: Range<Int>) {
        #expect(points.count == steps.count)
        for (point, step) in zip(points, steps) {
            #expect(point.step == Int64(step) && point.timestamp == t0 + Int64(step))
            #expect(point.value.bitPattern == value(step).bitPattern, "step \(step)")
        }
    }

    struct ChunkCounts: Equatable {
        var small = 0
        var large = 0
        /// The points the small chunks hold.
        var smallPoints = 0
        /// What the series row says about its small chunks: how many, and how many points.
        var recordedSmall = 0
        var recordedSmallPoints = 0

        /// Whether the series row's account of its small chunks is right.
        var rowIsExact: Bool { recordedSmall == small && recordedSmallPoints == smallPoints }
    }

    static func chunkCounts(_ store: SQLiteTrackingStore, key: String) async throws -> ChunkCounts {
        try await store.pool.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT s.small_chunks, s.small_points,
                       (SELECT COUNT(*) FROM metric_chunks c WHERE c.series_key = s.series_key AND c.point_count < ?),
                       (SELECT COALESCE(SUM(point_count), 0) FROM metric_chunks c WHERE c.series_key = s.series_key AND c.point_count < ?),
                       (SELECT COUNT(*) FROM metric_chunks c WHERE c.series_key = s.series_key AND c.point_count >= ?)
                FROM metric_series s WHERE s.key = ?
                """, arguments: [MetricWriter.largeChunkPoints, MetricWriter.largeChunkPoints, MetricWriter.largeChunkPoints, key])!
            return ChunkCounts(small: row[2], large: row[4], smallPoints: row[3], recordedSmall: row[0], recordedSmallPoints: row[1])
        }
    }

    static func seriesKey(_ store: SQLiteTrackingStore, key: String) async throws -> Int64 {
        try await store.pool.read { db in try seriesKey(db, key: key) }
    }

    static func seriesKey(_ db: Database, key: String) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT series_key FROM metric_series WHERE key = ?", arguments: [key])!
    }

    /// Both ways a swap can commit: alone on the merging thread when the writer is idle, or in a
    /// group on the writer's thread (always, for a store that syncs every commit).
    @Test(arguments: [SQLiteTrackingStore.Durability.process, .power])
    func smallChunksAreMergedAfterTheCommitAndEveryPointStaysExact(durability: SQLiteTrackingStore.Durability) async throws {
        let (store, run, directory) = try await Self.makeStore(durability: durability)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Self.log(store, run: run, key: "loss", count: 10_000, batch: 100)
        await store.compactor.settle()

        let counts = try await Self.chunkCounts(store, key: "loss")
        // Merges were due at about 4,100 and 8,200 points (one merge if the first ran late);
        // what is left is not due.
        #expect((1...2).contains(counts.large), "\(counts)")
        #expect(try await store.pool.read { db in try !MetricWriter.isCompactionDue(db, seriesKey: Self.seriesKey(db, key: "loss")) })
        #expect(counts.rowIsExact, "\(counts)")
        Self.expectExact(try await Self.history(store, run: run, key: "loss"), steps: 0..<10_000)
        // Merged large chunks are in the compressed form (first byte 1), small ones are not.
        let forms = try await store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT point_count >= ?, hex(substr(data, 1, 1)) FROM metric_chunks", arguments: [MetricWriter.largeChunkPoints])
                .map { row -> String in (row[0] as Bool ? "large " : "small ") + (row[1] as String) }
        }
        #expect(Set(forms) == ["large 01", "small 02"])
    }

    /// Writers, merges and readers at once, on several series and the same ones: at the end every
    /// point is there once and the series rows count their small chunks right.
    @Test func concurrentWritesAndMergesLoseAndRepeatNothing() async throws {
        let (store, run, directory) = try await Self.makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    // Two writers per key, each logging its own half of the steps; one of them
                    // sends every batch twice, as a client retrying after a timeout would.
                    let key = "m\(writer / 2)"
                    let start = (writer % 2) * 6_000
                    try await Self.log(store, run: run, key: key, start: start, count: 6_000, batch: 150)
                    if writer % 2 == 1 {
                        try await Self.log(store, run: run, key: key, start: start, count: 6_000, batch: 150)
                    }
                }
            }
            group.addTask {
                for _ in 0..<20 {
                    let points = try await Self.history(store, run: run, key: "m0")
                    let keys = points.map(\.storageKey)
                    #expect(Set(keys).count == keys.count, "a reader saw a point twice")
                }
            }
            try await group.waitForAll()
        }
        await store.compactor.settle()
        for key in ["m0", "m1", "m2", "m3"] {
            Self.expectExact(try await Self.history(store, run: run, key: key), steps: 0..<12_000)
            let counts = try await Self.chunkCounts(store, key: key)
            #expect(counts.rowIsExact, "\(key): \(counts)")
            #expect(counts.large >= 1, "\(key): \(counts)")
            let seriesKey = try await Self.seriesKey(store, key: key)
            #expect(try await store.pool.read { db in try !MetricWriter.isCompactionDue(db, seriesKey: seriesKey) }, "\(key): \(counts)")
        }
    }

    /// A merge planned before its chunks changed stores nothing: not when one of them was deleted,
    /// not when a chunk under the same key holds other bytes.
    @Test func aMergeWhoseChunksChangedStoresNothing() async throws {
        let (store, run, directory) = try await Self.makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Fewer points than a merge is due for: the series keeps its small chunks.
        try await Self.log(store, run: run, key: "loss", count: 1_000, batch: 50)
        await store.compactor.settle()
        #expect(try await Self.chunkCounts(store, key: "loss") == ChunkCounts(small: 20, large: 0, smallPoints: 1_000, recordedSmall: 20, recordedSmallPoints: 1_000))
        let seriesKey = try await Self.seriesKey(store, key: "loss")

        let plan = try await store.pool.read { db in try MetricWriter.compactionPlan(db, seriesKey: seriesKey) }
        #expect(plan.merged.count == 20)
        let changed = plan.merged[7]
        let otherBytes = try await store.pool.read { db in
            try Data.fetchOne(db, sql: "SELECT data FROM metric_chunks WHERE chunk_key = ?", arguments: [plan.merged[8].chunkKey])!
        }
        try await store.writer.write { db in
            try db.execute(sql: "UPDATE metric_chunks SET data = ? WHERE chunk_key = ?", arguments: [otherBytes, changed.chunkKey])
        }
        #expect(try await store.writer.write { db in try MetricWriter.apply(plan, db) } == false)
        #expect(try await Self.chunkCounts(store, key: "loss") == ChunkCounts(small: 20, large: 0, smallPoints: 1_000, recordedSmall: 20, recordedSmallPoints: 1_000))
        try await store.writer.write { db in
            try db.execute(sql: "UPDATE metric_chunks SET data = ? WHERE chunk_key = ?", arguments: [changed.data, changed.chunkKey])
        }
        Self.expectExact(try await Self.history(store, run: run, key: "loss"), steps: 0..<1_000)

        try await store.writer.write { db in try db.execute(sql: "DELETE FROM metric_chunks WHERE chunk_key = ?", arguments: [plan.merged[3].chunkKey]) }
        #expect(try await store.writer.write { db in try MetricWriter.apply(plan, db) } == false)
        let after = try await Self.chunkCounts(store, key: "loss")
        #expect(after.small == 19 && after.large == 0)

        // The same plan made again applies, and the points it holds are the ones stored.
        let fresh = try await store.pool.read { db in try MetricWriter.compactionPlan(db, seriesKey: seriesKey) }
        #expect(try await store.writer.write { db in try MetricWriter.apply(fresh, db) } == true)
        let history = try await Self.history(store, run: run, key: "loss")
        #expect(history.count == 950)
        #expect(try await Self.chunkCounts(store, key: "loss").small == 1)
    }

    /// Series that become due in the same write are merged together, in writes of at most
    /// ``ChunkCompactor/maxSeriesPerSwap`` series and about ``ChunkCompactor/maxPointsPerSwap``
    /// points: series past either bound wait for the next write, and every one is merged.
    @Test func seriesDueTogetherAreAllMergedWithinTheBatchBounds() async throws {
        let (store, run, directory) = try await Self.makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let runKey = try await store.pool.read { db in try Int64.fetchOne(db, sql: "SELECT run_key FROM runs WHERE run_id = ?", arguments: [run])! }
        /// `requests` writes each holding `steps` points of every key, stored and scheduled as
        /// the logging path does (without its limit of 1,000 metrics per request).
        func log(keys: [String], requests: Int, steps: Int) async throws {
            for request in 0..<requests {
                let range = request * steps..<(request + 1) * steps
                let prepared = MetricWriter.prepare(keys.flatMap { key in
                    range.map { Metric(key: key, value: Self.value($0), timestamp: Self.t0 + Int64($0), step: Int64($0)) }
                })
                let compactor = store.compactor
                let due = try await store.writer.write { db in
                    try MetricWriter.insert(db, runKey: runKey, series: prepared, alreadyQueued: compactor.isQueued)
                }
                compactor.schedule(due)
            }
        }
        // More series than one write swaps: 20 keys due in the same write (64 chunks of 50).
        let many = (0..<20).map { "many\($0)" }
        #expect(many.count > ChunkCompactor.maxSeriesPerSwap)
        try await log(keys: many, requests: MetricWriter.maxSmallChunks, steps: 50)
        // Series whose merges reach the point budget two at a time: 16 chunks of 4,095 points.
        let large = ["large0", "large1", "large2"]
        #expect(2 * MetricWriter.compactionTrigger * (MetricWriter.largeChunkPoints - 1) >= ChunkCompactor.maxPointsPerSwap)
        try await log(keys: large, requests: MetricWriter.compactionTrigger, steps: MetricWriter.largeChunkPoints - 1)
        await store.compactor.settle()

        for (keys, points) in [(many, MetricWriter.maxSmallChunks * 50), (large, MetricWriter.compactionTrigger * (MetricWriter.largeChunkPoints - 1))] {
            for key in keys {
                let counts = try await Self.chunkCounts(store, key: key)
                #expect(counts.rowIsExact, "\(key): \(counts)")
                #expect(counts.small <= 1, "\(key) was merged: \(counts)")
                let seriesKey = try await Self.seriesKey(store, key: key)
                #expect(try await store.pool.read { db in try !MetricWriter.isCompactionDue(db, seriesKey: seriesKey) }, "\(key): \(counts)")
                Self.expectExact(try await Self.history(store, run: run, key: key), steps: 0..<points)
            }
        }
    }

    /// When the merges outside the transaction do not keep up, the writer merges a series itself
    /// once it holds ``MetricWriter/inlineCompactionLimit`` small chunks: readers never face more.
    @Test func aSeriesWhoseMergesFallBehindIsMergedByTheWriter() async throws {
        let (store, run, directory) = try await Self.makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let runKey = try await store.pool.read { db in try Int64.fetchOne(db, sql: "SELECT run_key FROM runs WHERE run_id = ?", arguments: [run])! }
        let batches = MetricWriter.inlineCompactionLimit + 40
        for batch in 0..<batches {
            let metrics = (batch * 10..<batch * 10 + 10).map { Metric(key: "loss", value: Self.value($0), timestamp: Self.t0 + Int64($0), step: Int64($0)) }
            let prepared = MetricWriter.prepare(metrics)
            // Every merge counts as queued and never runs.
            let due = try await store.writer.write { db in try MetricWriter.insert(db, runKey: runKey, series: prepared, alreadyQueued: { _ in true }) }
            #expect(due.isEmpty)
            #expect(try await Self.chunkCounts(store, key: "loss").small < MetricWriter.inlineCompactionLimit)
        }
        // The writer's last merge left one small chunk of 2,560 points, and 40 came after it.
        let counts = try await Self.chunkCounts(store, key: "loss")
        #expect(counts.rowIsExact, "\(counts)")
        #expect(counts.small == 41 && counts.smallPoints == 2_960)
        Self.expectExact(try await Self.history(store, run: run, key: "loss"), steps: 0..<batches * 10)
    }
}
