/// Strict RFC 8259 JSON parser working directly on UTF-8 bytes.
///
/// - Whitespace is space, tab, LF and CR only; a leading UTF-8 byte order mark is skipped.
/// - Numbers follow the RFC grammar exactly (no leading zeros, `+`, `.5`, hex, `NaN`, `Infinity`).
/// - Strings: all escapes including surrogate pairs; a lone surrogate escape becomes U+FFFD;
///   raw control characters and invalid UTF-8 are rejected.
/// - Containers may nest at most ``maxDepth`` deep; trailing commas are rejected.
/// - Anything but whitespace after the top-level value is an error.
public enum JSONReader {
    /// Maximum nesting depth of arrays and objects.
    public static let maxDepth = 64

    /// Parses a whole document.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw JSONParseError(offset: 0, reason: "empty input")
        }
        var parser = JSONParser(base: base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        return try parser.parseDocument()
    }

    /// Parses a whole document from any byte collection (`[UInt8]`, `ArraySlice<UInt8>`, `Data`…).
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        if let result = bytes.withContiguousStorageIfAvailable({ parseCatching(UnsafeRawBufferPointer($0)) }) {
            return try result.get()
        }
        return try Array(bytes).withUnsafeBytes { parseCatching($0) }.get()
    }

    /// Parses a whole document from a string's UTF-8.
    public static func parse(_ string: String) throws(JSONParseError) -> JSONValue {
        var s = string
        return try s.withUTF8 { parseCatching(UnsafeRawBufferPointer($0)) }.get()
    }

    /// Non-throwing wrapper, so the typed error survives closures of `rethrows` APIs.
    private static func parseCatching(_ raw: UnsafeRawBufferPointer) -> Result<JSONValue, JSONParseError> {
        do throws(JSONParseError) {
            return .success(try parse(raw))
        } catch {
            return .failure(error)
        }
    }
}
