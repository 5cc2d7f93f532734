/// Domain rules shared by every store: names, lengths and batch limits.
///
/// Each store method calls these first, so every backend refuses the same input with the same
/// message. Limits follow MLflow's `mlflow/utils/validation.py`.
public enum Validation {
    public static let maxEntityKeyLength = 250
    public static let maxParamValueLength = 6000
    public static let maxTagValueLength = 8000
    public static let maxExperimentNameLength = 500
    public static let maxExperimentTagValueLength = 20000
    public static let maxMetricsPerBatch = 1000
    public static let maxParamsPerBatch = 100
    public static let maxTagsPerBatch = 100
    public static let maxEntitiesPerBatch = 1000
    public static let maxRunsSearchResults = 50000
    public static let maxExperimentsSearchResults = 50000
    public static let maxHistoryResults = 1_000_000

    /// Checks a metric, param or tag name. `parameter` names the field in messages
    /// (`key`, `name`, `metrics[0].name`).
    public static func validateKey(_ key: String, parameter: String, kind: String) throws(TrackError) {
        if key.unicodeScalars.contains(where: { !isAllowedNameScalar($0) }) {
            throw TrackError.invalidParameter(
                "Invalid value \"\(key)\" for parameter '\(parameter)' supplied: Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/)."
            )
        }
        if let resolved = normalizedPathIfDifferent(key) {
            throw TrackError.invalidParameter(
                "Invalid value \"\(key)\" for parameter '\(parameter)' supplied: Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '\(resolved)'"
            )
        }
        if key.unicodeScalars.count > maxEntityKeyLength {
            throw TrackError.invalidParameter("'\(kind)' exceeds the maximum length of \(maxEntityKeyLength) characters")
        }
    }

    public static func validateMetric(_ metric: Metric, parameter: String = "name") throws(TrackError) {
        try validateKey(metric.key, parameter: parameter, kind: "Metric name")
        if metric.timestamp < 0 {
            throw TrackError.invalidParameter(
                "Invalid value \(metric.timestamp) for parameter 'timestamp' supplied: metric '\(metric.key)' (value=\(pythonFloat(metric.value))). Timestamp must be a nonnegative long (64-bit integer) "
            )
        }
    }

    /// Validates a param and returns it with its value truncated to the stored limit.
    public static func validatedParam(_ param: Param, parameter: String = "key") throws(TrackError) -> Param {
        try validateKey(param.key, parameter: parameter, kind: "Param key")
        return Param(key: param.key, value: truncated(param.value, to: maxParamValueLength))
    }

    /// Validates a run tag and returns it with its value truncated to the stored limit.
    public static func validatedTag(_ tag: Tag, parameter: String = "key") throws(TrackError) -> Tag {
        try validateKey(tag.key, parameter: parameter, kind: "Tag key")
        return Tag(key: tag.key, value: truncated(tag.value, to: maxTagValueLength))
    }

    public static func validateExperimentTag(_ tag: Tag) throws(TrackError) {
        try validateKey(tag.key, parameter: "key", kind: "Tag key")
        if tag.value.unicodeScalars.count > maxExperimentTagValueLength {
            throw TrackError.invalidParameter("'Tag value' exceeds the maximum length of \(maxExperimentTagValueLength) characters")
        }
    }

    public static func validateExperimentName(_ name: String) throws(TrackError) {
        if name.isEmpty { throw TrackError.missingParameter("name") }
        if name.unicodeScalars.count > maxExperimentNameLength {
            throw TrackError.invalidParameter("'name' exceeds the maximum length of \(maxExperimentNameLength) characters")
        }
    }

    /// Checks the sizes of a log-batch request and that its param keys are unique.
    public static func validateBatch(metrics: Int, params: [Param], tags: Int) throws(TrackError) {
        if metrics > maxMetricsPerBatch {
            throw batchLimit(what: "metrics", limit: maxMetricsPerBatch, got: metrics)
        }
        if params.count > maxParamsPerBatch {
            throw batchLimit(what: "params", limit: maxParamsPerBatch, got: params.count)
        }
        if tags > maxTagsPerBatch {
            throw batchLimit(what: "tags", limit: maxTagsPerBatch, got: tags)
        }
        let total = metrics + params.count + tags
        if total > maxEntitiesPerBatch {
            throw batchLimit(what: "metrics, params, and tags", limit: maxEntitiesPerBatch, got: total)
        }
        var seen = Set<String>()
        var duplicates: [String] = []
        for param in params where !seen.insert(param.key).inserted {
            if !duplicates.contains(param.key) { duplicates.append(param.key) }
        }
        if !duplicates.isEmpty {
            let list = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            throw TrackError.invalidParameter(
                "Duplicate parameter keys have been submitted: [\(list)]. Please ensure the request contains only one param value per param key."
            )
        }
    }

    /// Checks that a run id is 32 lowercase hex characters (or a legacy uuid of up to 256 safe chars).
    public static func validateRunID(_ runID: String) throws(TrackError) {
        let ok = !runID.isEmpty && runID.utf8.count <= 256
            && runID.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || $0 == 0x5F || $0 == 0x2D }
        if !ok {
            throw TrackError.invalidParameter("Invalid value \"\(runID)\" for parameter 'run_id' supplied.")
        }
    }

    /// Parses an experiment id: a decimal integer.
    public static func experimentNumber(_ id: String) throws(TrackError) -> Int64 {
        guard let number = Int64(id), number >= 0 else {
            throw TrackError.invalidParameter("Invalid experiment ID '\(id)'. Experiment ID must be a valid integer.")
        }
        return number
    }

    public static func validateMaxResults(_ value: Int, limit: Int) throws(TrackError) {
        if value < 1 || value > limit {
            throw TrackError.invalidParameter(
                "Invalid value \(value) for parameter 'max_results' supplied: It must be at least 1 and at most \(limit)."
            )
        }
    }

    // MARK: - Helpers

    private static func batchLimit(what: String, limit: Int, got: Int) -> TrackError {
        TrackError.invalidParameter(
            "A batch logging request can contain at most \(limit) \(what). Got \(got) \(what). Please split up \(what) across multiple requests and try again."
        )
    }

    /// Cuts `value` to `limit` code points, as Python's slicing does (lengths in MLflow's limits
    /// are code points, not grapheme clusters).
    private static func truncated(_ value: String, to limit: Int) -> String {
        let scalars = value.unicodeScalars
        guard scalars.count > limit else { return value }
        return String(String.UnicodeScalarView(scalars.prefix(limit)))
    }

    /// `^[/\w.\- :]*$` with Python's `\w`: `str.isalnum()` (letters of the L* categories and
    /// characters with a numeric value) or `_`. Combining marks and other connector punctuation
    /// are not word characters there.
    private static func isAllowedNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "/", ".", "-", " ", ":", "_": return true
        default:
            let props = scalar.properties
            switch props.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
            default: return props.numericType != nil
            }
        }
    }

    /// Returns the normalized form of `key` as a relative path when it differs from `key`
    /// (`../x`, `/x`, `a//b`, `.`), like Python's `posixpath.normpath`.
    private static func normalizedPathIfDifferent(_ key: String) -> String? {
        if key.isEmpty { return nil }
        let isAbsolute = key.hasPrefix("/")
        var parts: [Substring] = []
        for part in key.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            if part == "..", isAbsolute { continue }
            parts.append(part)
        }
        var normalized = parts.joined(separator: "/")
        if isAbsolute { normalized = "/" + normalized }
        if normalized.isEmpty { normalized = "." }
        let unique = normalized == key && normalized != "." && !normalized.hasPrefix("..") && !normalized.hasPrefix("/")
        return unique ? nil : normalized
    }

    /// Formats a double as Python's `repr(float)` does for the common cases.
    public static func pythonFloat(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return "\(value)"
    }
}
