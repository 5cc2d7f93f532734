import Dispatch
import Foundation
import GRDB
import Synchronization
import Testing
@testable import TrackSQLite

/// The single writer's own rules, both ways a write can commit: alone on its caller's thread when
/// the writer is idle, or in a group on the writer's thread.
@Suite("Group commit writer")
struct GroupCommitWriterTests {
    struct Refused: Error, Equatable {}

    final class Counter: Sendable {
        private let count = Mutex(0)
        func add() { count.withLock { $0 += 1 } }
        var value: Int { count.withLock { $0 } }
    }

    /// A writer over a fresh store's database with one more table, `t(x)`.
    static func makeWriter(commitsAloneWhenIdle: Bool) throws -> (GroupCommitWriter, DatabasePool, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("track-writer-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pool = try DatabasePool(path: directory.appendingPathComponent("w.sqlite").path)
        try SQLiteSchema.migrator().migrate(pool)
        try pool.write { db in try db.execute(sql: "CREATE TABLE t (x INTEGER NOT NULL)") }
        let writer = try GroupCommitWriter(pool: pool, runCache: RunCache(byteBudget: 0), commitsAloneWhenIdle: commitsAloneWhenIdle)
        return (writer, pool, directory)
    }

    static func values(_ pool: DatabasePool) throws -> [Int] {
        try pool.read { db in try Int.fetchAll(db, sql: "SELECT x FROM t ORDER BY x") }
    }

    @Test(arguments: [true, false])
    func failingWriteStoresNothingAndLeavesTheWriterUsable(commitsAlone: Bool) async throws {
        let (writer, pool, directory) = try Self.makeWriter(commitsAloneWhenIdle: commitsAlone)
        defer { try? FileManager.default.removeItem(at: directory) }
        await #expect(throws: Refused.self) {
            try await writer.write { db in
                try db.execute(sql: "INSERT INTO t VALUES (1)")
                throw Refused()
            }
        }
        #expect(try Self.values(pool) == [])
        let result = try await writer.write { db in
            try db.execute(sql: "INSERT INTO t VALUES (2)")
            return "stored"
        }
        #expect(result == "stored")
        #expect(try Self.values(pool) == [2])
    }

    /// Writes that arrive while a transaction is open wait for it and are all committed after it,
    /// failing ones excepted, whichever thread held the first.
    @Test(arguments: [true, false])
    func writesQueuedDuringACommitAreCommittedAfterIt(commitsAlone: Bool) async throws {
        let (writer, pool, directory) = try Self.makeWriter(commitsAloneWhenIdle: commitsAlone)
        defer { try? FileManager.default.removeItem(at: directory) }
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let first = Task {
            try await writer.write { db in
                try db.execute(sql: "INSERT INTO t VALUES (0)")
                entered.signal()
                release.wait()
            }
        }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                entered.wait()
                continuation.resume()
            }
        }
        let finished = Counter()
        let queued = (1...40).map { value in
            Task { () -> Bool in
                defer { finished.add() }
                do {
                    try await writer.write { db in
                        try db.execute(sql: "INSERT INTO t VALUES (?)", arguments: [value])
                        if value % 10 == 0 { throw Refused() }
                    }
                    return true
                } catch {
                    return false
                }
            }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while writer.queuedWrites < queued.count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(writer.queuedWrites == queued.count, "writes queue while a transaction is open")
        #expect(try Self.values(pool) == [], "nothing is visible before the first transaction commits")
        release.signal()
        try await first.value
        while finished.value < queued.count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        guard finished.value == queued.count else {
            Issue.record("writes queued during a transaction were never committed")
            return
        }
        var acknowledged: [Int] = []
        for (index, task) in queued.enumerated() where await task.value {
            acknowledged.append(index + 1)
        }
        #expect(acknowledged == (1...40).filter { $0 % 10 != 0 })
        #expect(try Self.values(pool) == [0] + acknowledged)
        // The writer is idle again: a new write commits.
        try await writer.write { db in try db.execute(sql: "INSERT INTO t VALUES (100)") }
        #expect(try Self.values(pool).last == 100)
    }
}
