/// What the searches evaluated in memory share (logged models, the model registry): clause
/// comparisons, ordering with missing values last, and offset paging.
public enum InMemorySearch {
    /// A sort key; `.missing` goes last in either direction.
    public enum SortKey: Comparable, Sendable {
        case number(Double)
        case text(String)
        case missing
    }

    static func compare(_ lhs: Double, _ comparator: SearchComparator, _ rhs: Double) -> Bool {
        switch comparator {
        case .equal: lhs == rhs
        case .notEqual: lhs != rhs
        case .less: lhs < rhs
        case .lessOrEqual: lhs <= rhs
        case .greater: lhs > rhs
        case .greaterOrEqual: lhs >= rhs
        default: false
        }
    }

    static func compare(_ lhs: String, _ comparator: SearchComparator, _ rhs: SearchValue) -> Bool {
        switch (comparator, rhs) {
        case (.equal, .string(let value)): lhs == value
        case (.notEqual, .string(let value)): lhs != value
        case (.like, .string(let pattern)): LikePattern(pattern, caseInsensitive: false).matches(lhs)
        case (.ilike, .string(let pattern)): LikePattern(pattern, caseInsensitive: true).matches(lhs)
        case (.in, .list(let values)): values.contains(lhs)
        case (.notIn, .list(let values)): !values.contains(lhs)
        default: false
        }
    }

    /// Orders items by their keys (one per entry of `ascending`), stably.
    static func sorted<Item>(_ items: [Item], ascending: [Bool], keys: (Item) -> [SortKey]) -> [Item] {
        let keyed = items.enumerated().map { (index: $0.offset, item: $0.element, keys: keys($0.element)) }
        return keyed.sorted { a, b in
            for (index, isAscending) in ascending.enumerated() {
                let (x, y) = (a.keys[index], b.keys[index])
                if x == y { continue }
                switch (x, y) {
                case (.missing, _): return false
                case (_, .missing): return true
                default: return isAscending ? x < y : y < x
                }
            }
            return a.index < b.index
        }.map(\.item)
    }

    /// One page of ordered items from an offset token.
    static func page<Item: Sendable>(_ ordered: [Item], maxResults: Int, pageToken: String?) throws(TrackError) -> Page<Item> {
        let offset = try PageToken.decodeOffset(pageToken)
        guard offset < ordered.count else { return Page(items: []) }
        let end = min(ordered.count, offset + maxResults)
        return Page(items: Array(ordered[offset..<end]), nextPageToken: end < ordered.count ? PageToken.offset(end) : nil)
    }
}

/// A SQL `LIKE` pattern: `%` matches any run of characters, `_` exactly one.
public struct LikePattern: Sendable {
    private let pattern: [Character]
    private let caseInsensitive: Bool

    public init(_ pattern: String, caseInsensitive: Bool) {
        self.pattern = Array(caseInsensitive ? pattern.lowercased() : pattern)
        self.caseInsensitive = caseInsensitive
    }

    public func matches(_ text: String) -> Bool {
        let text = Array(caseInsensitive ? text.lowercased() : text)
        // Greedy matching with backtracking to the last `%`: linear in practice, never exponential.
        var (t, p) = (0, 0)
        var star: Int?
        var resume = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "_" || (pattern[p] != "%" && pattern[p] == text[t]) {
                t += 1
                p += 1
            } else if p < pattern.count, pattern[p] == "%" {
                star = p
                resume = t
                p += 1
            } else if let star {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "%" { p += 1 }
        return p == pattern.count
    }
}
