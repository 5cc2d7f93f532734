/// The structure shared by run and experiment filters, before entity-specific checks.
///
/// A filter is a sequence of comparisons and `AND`s. Like MLflow, the `AND`s are not policed: they
/// may be left out, doubled, leading or trailing (MLflow 3.17.2 accepts `a = 1 b = 2` and
/// `AND a = 1 AND AND b = 2` alike). Anything that is neither a comparison nor `AND` is an invalid
/// clause; all of them are reported together, as MLflow does.
///
/// A comparison is one of
/// - `<identifier> <operator> <operand>` where the operator is a run of `<>=!~` or one of `LIKE`,
///   `ILIKE`, `RLIKE`, optionally preceded by `NOT` (the parsers reject all but the supported ones
///   by name);
/// - `<identifier> [NOT] IN ( … )`;
/// - `<identifier> IS [NOT] NULL`.
/// An operand is a string, a number, an identifier (a double-quoted one is a string value), a
/// word such as `1and` or `NULL`, or a parenthesised group.
struct FilterComparison: Sendable {
    enum Operand: Sendable {
        /// A single token (string, number, identifier or word).
        case token(FilterToken)
        /// A parenthesised group: its source text and the tokens strictly inside.
        case group(text: String, inner: [FilterToken])

        /// The operand as written, for messages.
        var text: String {
            switch self {
            case .token(let token): token.text
            case .group(let text, _): text
            }
        }
    }

    var identifier: FilterToken
    /// Upper-cased for keyword comparators (`LIKE`, `NOT IN`, `IS NULL`); operators verbatim.
    var comparator: String
    /// Nil for `IS NULL` / `IS NOT NULL`.
    var operand: Operand?
    /// The whole clause as written.
    var text: String
}

enum FilterSyntax {
    /// Bare words that can never be an identifier or an operand.
    static let reservedWords: Set<String> = ["AND", "OR", "NOT", "IN", "IS", "LIKE", "ILIKE", "RLIKE"]

    /// Splits a filter into comparisons, or returns the invalid pieces (each as written).
    static func comparisons(of tokenized: FilterTokens) -> (comparisons: [FilterComparison], invalid: [String]) {
        let tokens = tokenized.tokens
        let n = tokens.count
        var comparisons: [FilterComparison] = []
        var invalid: [String] = []
        var i = 0

        func word(_ k: Int) -> String? { k < n ? tokens[k].bareWord : nil }
        func groupEnd(_ k: Int) -> Int? {
            guard k < n, tokens[k].kind == .openParen else { return nil }
            return tokenized.closing[k]
        }
        func operand(at k: Int) -> (FilterComparison.Operand, next: Int)? {
            guard k < n else { return nil }
            let token = tokens[k]
            switch token.kind {
            case .string, .integer, .float, .word:
                return (.token(token), k + 1)
            case .identifier:
                if token.isMalformed { return nil }
                if let bare = token.bareWord, reservedWords.contains(bare) { return nil }
                return (.token(token), k + 1)
            case .openParen:
                guard let close = tokenized.closing[k] else { return nil }
                let inner = Array(tokens[(k + 1)..<close])
                return (.group(text: tokenized.text(from: k, through: close), inner: inner), close + 1)
            default:
                return nil
            }
        }

        func comparison(at start: Int) -> (comparison: FilterComparison, next: Int)? {
            let lhs = tokens[start]
            guard lhs.kind == .identifier, !lhs.isMalformed else { return nil }
            if let bare = lhs.bareWord, reservedWords.contains(bare) || bare == "NULL" { return nil }
            let k = start + 1
            guard k < n else { return nil }

            var comparator: String
            var operandStart: Int
            if tokens[k].kind == .comparisonOperator {
                comparator = tokens[k].text
                operandStart = k + 1
            } else if let w = word(k), ["LIKE", "ILIKE", "RLIKE"].contains(w) {
                comparator = w
                operandStart = k + 1
            } else if word(k) == "NOT", let w = word(k + 1), ["LIKE", "ILIKE", "RLIKE"].contains(w) {
                comparator = "NOT " + w
                operandStart = k + 2
            } else if word(k) == "IN", groupEnd(k + 1) != nil {
                comparator = "IN"
                operandStart = k + 1
            } else if word(k) == "NOT", word(k + 1) == "IN", groupEnd(k + 2) != nil {
                comparator = "NOT IN"
                operandStart = k + 2
            } else if word(k) == "IS", word(k + 1) == "NULL" {
                let next = k + 2
                let clause = FilterComparison(
                    identifier: lhs, comparator: "IS NULL", operand: nil,
                    text: tokenized.text(from: start, through: next - 1))
                return (clause, next)
            } else if word(k) == "IS", word(k + 1) == "NOT", word(k + 2) == "NULL" {
                let next = k + 3
                let clause = FilterComparison(
                    identifier: lhs, comparator: "IS NOT NULL", operand: nil,
                    text: tokenized.text(from: start, through: next - 1))
                return (clause, next)
            } else {
                return nil
            }
            guard let (value, next) = operand(at: operandStart) else { return nil }
            let clause = FilterComparison(
                identifier: lhs, comparator: comparator, operand: value,
                text: tokenized.text(from: start, through: next - 1))
            return (clause, next)
        }

        while i < n {
            let token = tokens[i]
            if token.isKeyword("AND") {
                i += 1
                continue
            }
            if let match = comparison(at: i) {
                comparisons.append(match.comparison)
                i = match.next
                continue
            }
            if let close = groupEnd(i) {
                invalid.append(tokenized.text(from: i, through: close))
                i = close + 1
            } else {
                invalid.append(token.text)
                i += 1
            }
        }
        return (comparisons, invalid)
    }

    // MARK: - Identifiers

    /// Splits an identifier as MLflow does: the part before the first dot is the entity type
    /// (nil when there is no dot), the rest is the key with one pair of surrounding quotes
    /// (`'`/`"`) and then one pair of backticks removed. The split ignores dots inside quotes, so
    /// ``metrics.`a.b` `` has key `a.b`.
    static func split(_ identifier: FilterToken) -> (entity: String?, key: String) {
        let segments = identifier.segments
        guard segments.count > 1 else {
            return (nil, unquoteKey(segments.first?.raw ?? identifier.text))
        }
        let rest = segments.dropFirst().map(\.raw).joined(separator: ".")
        return (segments[0].raw, unquoteKey(rest))
    }

    /// MLflow's `_trim_backticks(_strip_quotes(key))`.
    static func unquoteKey(_ key: String) -> String {
        trimBackticks(stripQuotes(key) ?? key)
    }

    static func isQuoted(_ value: String, with quote: Character) -> Bool {
        value.count >= 2 && value.first == quote && value.last == quote
    }

    /// The value without one pair of surrounding `'` or `"`, or nil when it isn't quoted so.
    static func stripQuotes(_ value: String) -> String? {
        if isQuoted(value, with: "'") || isQuoted(value, with: "\"") {
            return String(value.dropFirst().dropLast())
        }
        return nil
    }

    static func trimBackticks(_ value: String) -> String {
        isQuoted(value, with: "`") ? String(value.dropFirst().dropLast()) : value
    }

    // MARK: - Order-by terms

    /// Reads an order-by term `<identifier> [ASC|DESC]` (direction case-insensitive, default
    /// ascending). Surrounding whitespace is ignored (MLflow rejects it; nothing is lost by
    /// accepting it).
    static func orderByTerm(_ term: String) throws(TrackError) -> (identifier: FilterToken, ascending: Bool) {
        let tokens = FilterTokenizer.tokenize(term).tokens
        let unparsable = TrackError.invalidParameter("Invalid order_by clause '\(term)'. Could not be parsed.")
        guard (1...2).contains(tokens.count), tokens[0].kind == .identifier, !tokens[0].isMalformed else {
            throw unparsable
        }
        if let bare = tokens[0].bareWord, reservedWords.contains(bare) || ["NULL", "ASC", "DESC"].contains(bare) {
            throw unparsable
        }
        guard tokens.count == 2 else { return (tokens[0], true) }
        let direction = tokens[1]
        guard direction.kind == .identifier, direction.segments.count == 1 else { throw unparsable }
        switch direction.segments[0].name.lowercased() {
        case "asc": return (tokens[0], true)
        case "desc": return (tokens[0], false)
        default: throw .invalidParameter("Invalid ordering key in order_by clause '\(term)'.")
        }
    }

    /// Splits an order-by identifier as MLflow does after it has dropped every quote (it runs the
    /// term through `shlex`): entity is the first segment (nil without a dot), key the rest.
    static func splitOrderBy(_ identifier: FilterToken) -> (entity: String?, key: String) {
        let names = identifier.segments.map(\.name)
        guard names.count > 1 else { return (nil, names.first ?? identifier.text) }
        return (names[0], names.dropFirst().joined(separator: "."))
    }

    // MARK: - Values

    /// A string operand (a single-quoted literal or a quoted identifier such as `"abc"`): the text
    /// inside the outer quotes, verbatim. MLflow unescapes nothing: `'it''s'` is `it''s`.
    /// Throws MLflow's error for an unquoted identifier (`abc`), returns nil for other tokens.
    static func stringValue(_ token: FilterToken) throws(TrackError) -> String? {
        switch token.kind {
        case .string:
            return String(token.text.dropFirst().dropLast())
        case .identifier:
            if let inner = stripQuotes(token.text) { return inner }
            if token.bareWord == "NULL" { return nil }  // a keyword to MLflow, not a name
            throw .invalidParameter(
                "Parameter value is either not quoted or unidentified quote types used for string value \(token.text). Use either single or double quotes."
            )
        default:
            return nil
        }
    }

    /// A numeric operand, or nil when the operand is not a number token.
    static func numberValue(_ operand: FilterComparison.Operand) -> Double? {
        guard case .token(let token) = operand, token.kind == .integer || token.kind == .float else { return nil }
        return Double(token.text)
    }

    /// The strings of a parenthesised list such as `('a', "b")`, read as MLflow does (it evaluates
    /// the group as a Python literal): a non-empty, comma-separated list of quoted strings with an
    /// optional trailing comma; adjacent literals concatenate (`('a' 'b')` is `['ab']`) and the
    /// common backslash escapes (`\n \t \r \0 \\ \' \"`) are decoded.
    static func listValue(_ group: String, inner: [FilterToken]) throws(TrackError) -> [String] {
        if inner.isEmpty {
            throw .invalidParameter(
                "While parsing a list in the query, expected a non-empty list of string values, but got empty list")
        }
        let illFormed = TrackError.invalidParameter(
            "While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.")
        var items: [String] = []
        var current: String?  // the item being built from adjacent string literals
        var currentIsNumber = false
        var sawNonString = false
        for token in inner {
            let isDoubleQuoted = token.kind == .identifier && token.segments.count == 1
                && token.segments[0].quote == "\""
            switch token.kind {
            case _ where token.kind == .string || isDoubleQuoted:
                guard !currentIsNumber else { throw illFormed }
                let quote: Character = token.kind == .string ? "'" : "\""
                let decoded = decodePythonString(String(token.text.dropFirst().dropLast()), quote: quote)
                current = (current ?? "") + decoded
            case .integer, .float:
                guard current == nil else { throw illFormed }
                sawNonString = true
                currentIsNumber = true
                current = ""
            case .comma:
                guard let item = current else { throw illFormed }
                items.append(item)
                current = nil
                currentIsNumber = false
            default:
                throw illFormed
            }
        }
        if let item = current { items.append(item) }
        if sawNonString {
            throw .invalidParameter(
                "While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: \(group)"
            )
        }
        if items.isEmpty { throw illFormed }
        return items
    }

    /// Decodes the body of a Python string literal: backslash escapes, and a doubled quote, which
    /// in Python is two adjacent literals and so contributes nothing.
    static func decodePythonString(_ body: String, quote: Character) -> String {
        var out = ""
        var chars = body.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? chars.next() {
            pending = nil
            if c == "\\" {
                guard let e = chars.next() else {
                    out.append(c)
                    break
                }
                switch e {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                case "0": out.append("\0")
                case "\\", "'", "\"": out.append(e)
                default:
                    out.append(c)
                    out.append(e)
                }
            } else if c == quote {
                // The tokenizer only lets a quote through as half of a doubled pair.
                if let next = chars.next(), next != quote { pending = next }
            } else {
                out.append(c)
            }
        }
        return out
    }

    // MARK: - Formatting

    /// Python's `repr` of a set of strings, in the given order: `{'a', 'b'}`.
    static func pythonSet(_ items: [String]) -> String {
        "{" + items.map { "'\($0)'" }.joined(separator: ", ") + "}"
    }

    /// Python's `repr` of a tuple of strings: `('a', 'b')`.
    static func pythonTuple(_ items: [String]) -> String {
        "(" + items.map { "'\($0)'" }.joined(separator: ", ") + ")"
    }

    /// Python's `str()` of a float, for the few messages that print one.
    static func pythonFloat(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), abs(value) < 1e16 {
            return String(Int64(value)) + ".0"
        }
        return "\(value)"
    }
}
