import Foundation
import TrackAPI
import TrackCore

/// One `runs/log-batch` worth of data: at most 1000 metrics, 100 params, 100 tags and 1000
/// entities in all (see ``Batch/fits``).
package struct Batch: Sendable {
    package var metrics: [Metric] = []
    package var params: [(key: String, value: String)] = []
    package var tags: [(key: String, value: String)] = []

    package var count: Int { metrics.count + params.count + tags.count }
    package var isEmpty: Bool { count == 0 }

    package static let maxMetrics = Validation.maxMetricsPerBatch
    package static let maxParams = Validation.maxParamsPerBatch
    package static let maxTags = Validation.maxTagsPerBatch
    package static let maxEntities = Validation.maxEntitiesPerBatch

    /// Writes the `metrics`, `params` and `tags` members (inside an object the caller opened).
    package func writeMembers(_ writer: inout JSONWriter) {
        writer.key("metrics"); writer.beginArray()
        for metric in metrics {
            writer.beginObject()
            writer.key("key"); writer.string(metric.key)
            writer.key("value"); writer.double(metric.value)
            writer.key("timestamp"); writer.int(metric.timestamp)
            writer.key("step"); writer.int(metric.step)
            writer.endObject()
        }
        writer.endArray()
        writer.key("params"); Self.writeKeyValues(params, &writer)
        writer.key("tags"); Self.writeKeyValues(tags, &writer)
    }

    package static func writeKeyValues(_ items: [(key: String, value: String)], _ writer: inout JSONWriter) {
        writer.beginArray()
        for item in items {
            writer.beginObject()
            writer.key("key"); writer.string(item.key)
            writer.key("value"); writer.string(item.value)
            writer.endObject()
        }
        writer.endArray()
    }

    /// The body of `runs/log-batch` for `runID`.
    package func requestBody(runID: String) -> [UInt8] {
        var writer = JSONWriter(capacity: 96 + metrics.count * 80 + (params.count + tags.count) * 64)
        writer.beginObject()
        writer.key("run_id"); writer.string(runID)
        writeMembers(&writer)
        writer.endObject()
        return writer.bytes
    }

    /// Reads the members written by ``writeMembers(_:)`` (a spool record or a request body).
    package init(object: JSONObject) throws(TrackerError) {
        do {
            let parameters = RequestParameters(object: object)
            metrics = try WireDecoding.metrics(parameters.objects("metrics"))
            params = try WireDecoding.keyValues(parameters.objects("params"), field: "params").map { ($0.key, $0.value) }
            tags = try WireDecoding.keyValues(parameters.objects("tags"), field: "tags").map { ($0.key, $0.value) }
        } catch {
            throw TrackerError(kind: .spool, message: "unreadable log_batch record: \(error.message)")
        }
    }

    package init() {}

    package init(metrics: [Metric], params: [(key: String, value: String)], tags: [(key: String, value: String)]) {
        self.metrics = metrics
        self.params = params
        self.tags = tags
    }

    /// Splits a batch in two halves (by entity), to isolate an entity the server refuses.
    package func halves() -> (Batch, Batch) {
        var entities: [(Int, Int)] = []  // (kind, index)
        entities.reserveCapacity(count)
        for index in params.indices { entities.append((0, index)) }
        for index in tags.indices { entities.append((1, index)) }
        for index in metrics.indices { entities.append((2, index)) }
        let middle = entities.count / 2
        func make(_ slice: ArraySlice<(Int, Int)>) -> Batch {
            var batch = Batch()
            for (kind, index) in slice {
                switch kind {
                case 0: batch.params.append(params[index])
                case 1: batch.tags.append(tags[index])
                default: batch.metrics.append(metrics[index])
                }
            }
            return batch
        }
        return (make(entities[..<middle]), make(entities[middle...]))
    }

    /// Splits arbitrary lists into batches that respect the server's limits (and never put two
    /// params with the same key into one request). Order within each kind is kept.
    package static func chunks(metrics: [Metric], params: [(key: String, value: String)], tags: [(key: String, value: String)]) -> [Batch] {
        var queue = PendingQueue()
        queue.metrics = metrics
        queue.params = params
        queue.tags = tags
        var result: [Batch] = []
        while !queue.isEmpty {
            let batch = queue.nextBatch()
            queue.consume(batch)
            result.append(batch)
        }
        return result
    }
}

/// The sender's FIFO of data not yet delivered (or spooled).
package struct PendingQueue {
    package init() {}

    package var metrics: [Metric] = []
    package var metricHead = 0
    package var params: [(key: String, value: String)] = []
    package var paramHead = 0
    package var tags: [(key: String, value: String)] = []
    package var tagHead = 0

    package var metricCount: Int { metrics.count - metricHead }
    package var count: Int { metricCount + params.count - paramHead + tags.count - tagHead }
    package var isEmpty: Bool { count == 0 }

    /// The next batch from the front of the queue (not removed: see ``consume(_:)``).
    package func nextBatch() -> Batch {
        var batch = Batch()
        var seen = Set<String>()
        var index = paramHead
        while index < params.count, batch.params.count < Batch.maxParams {
            if !seen.insert(params[index].key).inserted { break }
            batch.params.append(params[index])
            index += 1
        }
        let tagEnd = min(tags.count, tagHead + Batch.maxTags)
        batch.tags.append(contentsOf: tags[tagHead..<tagEnd])
        let room = min(Batch.maxMetrics, Batch.maxEntities - batch.params.count - batch.tags.count)
        let metricEnd = min(metrics.count, metricHead + room)
        batch.metrics.reserveCapacity(metricEnd - metricHead)
        batch.metrics.append(contentsOf: metrics[metricHead..<metricEnd])
        return batch
    }

    /// Removes a batch returned by ``nextBatch()``.
    package mutating func consume(_ batch: Batch) {
        metricHead += batch.metrics.count
        paramHead += batch.params.count
        tagHead += batch.tags.count
        compact()
    }

    package mutating func removeAll() {
        metrics.removeAll(keepingCapacity: true); metricHead = 0
        params.removeAll(); paramHead = 0
        tags.removeAll(); tagHead = 0
    }

    private mutating func compact() {
        if metricHead == metrics.count {
            metrics.removeAll(keepingCapacity: true); metricHead = 0
        } else if metricHead > 4096 && metricHead * 2 > metrics.count {
            metrics.removeSubrange(0..<metricHead); metricHead = 0
        }
        if paramHead == params.count { params.removeAll(); paramHead = 0 }
        if tagHead == tags.count { tags.removeAll(); tagHead = 0 }
    }
}

/// Delivers batches, isolating entities the server refuses.
package enum BatchDelivery {
    /// Sends `batch` to `runID`. Retryable failures (network, 429, 5xx) are thrown so the caller
    /// can retry the *same* batch later: log-batch stores an exact duplicate point once, params
    /// accept an identical value again and tags are last-writer-wins, so a resend is harmless.
    ///
    /// A refusal that is the caller's fault does not stall anything: an `INVALID_PARAMETER_VALUE`
    /// batch is split in halves until the refused entities are found, which are reported through
    /// `report` and dropped; other refusals (run deleted or not active) drop the batch.
    package static func send(_ batch: Batch, runID: String, client: TrackingClient, report: (TrackerError) -> Void) async throws(TrackerError) {
        if batch.isEmpty { return }
        do {
            try await client.post("runs/log-batch", body: batch.requestBody(runID: runID))
        } catch where error.isRetryable {
            throw error
        } catch {
            if error.code == "INVALID_PARAMETER_VALUE" && batch.count > 1 {
                let (first, second) = batch.halves()
                try await send(first, runID: runID, client: client, report: report)
                try await send(second, runID: runID, client: client, report: report)
            } else {
                report(error)
            }
        }
    }
}
