/// A checked path inside the artifact store: relative, made of plain names, never able to
/// leave the folder it is resolved against.
///
/// Refused: `..` and `.` segments, absolute paths, backslashes, NUL, `;` (path parameters,
/// which servers and proxies in front of them read differently), empty segments (a URL path
/// may not end with `/`), and anything still percent-encoded after the one decoding of the URL
/// (double encoding). The one check stands in front of every artifact route.
public struct ArtifactPath: Sendable, Equatable, CustomStringConvertible {
    public let segments: [String]

    /// The root of the store.
    public static let root = ArtifactPath(checkedSegments: [])

    private init(checkedSegments: [String]) {
        segments = checkedSegments
    }

    public var isRoot: Bool { segments.isEmpty }
    public var description: String { segments.joined(separator: "/") }
    public var name: String { segments.last ?? "" }

    /// A path from a URL path that is still percent-encoded (`+` stays a plus).
    public init(urlEncoded raw: Substring) throws(TrackError) {
        guard let decoded = Self.percentDecoded(raw), !decoded.hasSuffix("/") else { throw Self.invalid }
        try self.init(decoded: decoded)
    }

    /// A path that is already decoded (a query parameter's value).
    public init(decoded: String) throws(TrackError) {
        var text = Substring(decoded)
        if text.hasSuffix("/") { text = text.dropLast() }
        if text.isEmpty {
            self.init(checkedSegments: [])
            return
        }
        if text.hasPrefix("/") || text.contains("\\") || text.contains("\0") || text.contains(";") || Self.containsPercentEscape(text) {
            throw Self.invalid
        }
        var segments: [String] = []
        for segment in text.split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty || segment == "." || segment == ".." {
                throw Self.invalid
            }
            segments.append(String(segment))
        }
        self.init(checkedSegments: segments)
    }

    /// This path followed by `other`.
    public func appending(_ other: ArtifactPath) -> ArtifactPath {
        ArtifactPath(checkedSegments: segments + other.segments)
    }

    /// Whether this path is `other` or lies inside it.
    public func isInside(_ other: ArtifactPath) -> Bool {
        segments.count >= other.segments.count && Array(segments.prefix(other.segments.count)) == other.segments
    }

    static let invalid = TrackError.invalidParameter("Invalid path")

    /// Decodes `%XX` once; `nil` for malformed escapes or bytes that are not UTF-8.
    private static func percentDecoded(_ raw: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.utf8.count)
        var index = raw.utf8.startIndex
        let utf8 = raw.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                let first = utf8.index(after: index)
                guard first < utf8.endIndex else { return nil }
                let second = utf8.index(after: first)
                guard second < utf8.endIndex, let high = hex(utf8[first]), let low = hex(utf8[second]) else {
                    // A lone `%` is a literal percent sign in a name.
                    bytes.append(byte)
                    index = utf8.index(after: index)
                    continue
                }
                bytes.append(high << 4 | low)
                index = utf8.index(after: second)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func containsPercentEscape(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 3 else { return false }
        for index in 0..<(bytes.count - 2) where bytes[index] == UInt8(ascii: "%") {
            if hex(bytes[index + 1]) != nil, hex(bytes[index + 2]) != nil { return true }
        }
        return false
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// One entry of an artifact folder listing.
public struct ArtifactEntry: Sendable, Equatable {
    public var name: String
    public var isDirectory: Bool
    /// The size of a file; `nil` for folders.
    public var size: Int64?

    public init(name: String, isDirectory: Bool, size: Int64?) {
        self.name = name
        self.isDirectory = isDirectory
        self.size = size
    }
}
