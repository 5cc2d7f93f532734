/// The lexer shared by the run and experiment search parsers.
///
/// It cuts a filter or order-by string into the tokens MLflow's search language is made of (MLflow
/// itself lexes with `sqlparse`; this lexer keeps to the subset of SQL that MLflow's grammar can
/// use). It never fails: text it has no use for becomes `.other` tokens, which the parsers report
/// back to the user as invalid clauses. It runs in one linear pass and never recurses, so any
/// input, however long or hostile, is cut in time proportional to its length.
///
/// Tokens:
/// - identifiers: segments joined by `.` without whitespace, each segment a bare word (Unicode
///   letters, digits, `_`; the first segment may not start with a digit), a backtick-quoted name
///   (`` `my metric` ``, with ``` `` ``` standing for one backtick) or a double-quoted name
///   (`"my metric"`, with `""` or `\"` inside); after a dot also a single-quoted name
///   (`metrics.'my metric'`). `tags.mlflow.runName`, ``metrics.`a b` ``,
///   `run_id` and `AND` are all identifiers; the parsers decide which bare words are keywords.
/// - string literals: single-quoted, `''` or `\'` inside do not end the literal. The token keeps the
///   text verbatim; like MLflow, the parsers only strip the outer quotes and unescape nothing.
/// - numbers: `-?` digits with an optional fraction and exponent (`1`, `-2.5`, `.5`, `1.`, `1e-3`).
///   A number run straight into letters (`1e`, `1and`, `1_000`) is a `.word` instead.
/// - comparison operators: a maximal run of `<`, `>`, `=`, `!`, `~` (so `>>>` is one token, which the
///   parsers reject by name).
/// - `(`, `)` and `,`; any other character is `.other`. A quote that is never closed makes the
///   rest of the input one `.other` token.
struct FilterToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case identifier
        case string
        case integer
        case float
        case word
        case comparisonOperator
        case openParen
        case closeParen
        case comma
        case other
    }

    /// One dot-separated part of an identifier.
    struct Segment: Sendable, Equatable {
        /// The segment exactly as written, quotes included.
        var raw: String
        /// The quote character (`` ` ``, `"` or `'`) when the segment is quoted.
        var quote: Character?
        /// The segment without its quotes (escaped quotes inside are not undone).
        var name: String { quote == nil ? raw : String(raw.dropFirst().dropLast()) }
    }

    var kind: Kind
    /// The exact source text of the token.
    var text: String
    /// Offsets (in `Character`s) of the token in the source.
    var start: Int
    var end: Int
    /// For identifiers: the segments. Empty for other kinds.
    var segments: [Segment] = []
    /// For identifiers: true when the identifier ends in a dot with nothing usable after it
    /// (`metrics.`, ``metrics.`unclosed``). Such an identifier can't start a clause.
    var isMalformed = false

    /// True for a bare one-segment identifier spelling `word` in any case (`AND`, `and`, `And`).
    func isKeyword(_ word: String) -> Bool {
        kind == .identifier && segments.count == 1 && segments[0].quote == nil
            && segments[0].raw.uppercased() == word
    }

    /// The upper-cased spelling when this is a bare one-segment identifier, else nil.
    var bareWord: String? {
        guard kind == .identifier, segments.count == 1, segments[0].quote == nil else { return nil }
        return segments[0].raw.uppercased()
    }
}

/// A tokenised filter: the tokens, the source, and for each `(` the index of its `)`.
struct FilterTokens: Sendable {
    var source: [Character]
    var tokens: [FilterToken]
    /// `closing[i]` is the index of the `)` matching the `(` at token `i`, or nil when token `i` is
    /// not an opening parenthesis or has no match.
    var closing: [Int?]

    /// The source text from the start of token `first` to the end of token `last`.
    func text(from first: Int, through last: Int) -> String {
        String(source[tokens[first].start..<tokens[last].end])
    }
}

enum FilterTokenizer {
    static func tokenize(_ input: String) -> FilterTokens {
        let chars = Array(input)
        var tokens: [FilterToken] = []
        var i = 0
        let n = chars.count

        func at(_ k: Int) -> Character? { k < n ? chars[k] : nil }
        func emit(_ kind: FilterToken.Kind, _ start: Int, _ end: Int) {
            tokens.append(FilterToken(kind: kind, text: String(chars[start..<end]), start: start, end: end))
        }

        while i < n {
            let c = chars[i]
            if c.isWhitespace {
                i += 1
                continue
            }
            let start = i
            switch c {
            case "'":
                // `\'` does not end a literal, unless reading it so leaves the literal unclosed
                // (`'C:\'`): then the backslash is an ordinary character, as in sqlparse's regex.
                if let end = scanQuoted(chars, from: i, quote: "'", backslashEscapes: true)
                    ?? scanQuoted(chars, from: i, quote: "'", backslashEscapes: false)
                {
                    emit(.string, start, end)
                    i = end
                } else {
                    // Never closed: the rest of the input is one bad token (rescanning from each
                    // later quote would make hostile input quadratic).
                    emit(.other, start, n)
                    i = n
                }
            case "(":
                emit(.openParen, start, start + 1)
                i += 1
            case ")":
                emit(.closeParen, start, start + 1)
                i += 1
            case ",":
                emit(.comma, start, start + 1)
                i += 1
            case "<", ">", "=", "!", "~":
                var end = i
                while let d = at(end), isOperatorChar(d) { end += 1 }
                emit(.comparisonOperator, start, end)
                i = end
            default:
                if let number = scanNumber(chars, from: i) {
                    var end = number.end
                    var kind: FilterToken.Kind = number.isFloat ? .float : .integer
                    if let d = at(end), isWordChar(d) {
                        // `1e`, `1and`, `1_000`: not a number; keep it whole so errors quote it whole.
                        while let d = at(end), isWordChar(d) { end += 1 }
                        kind = .word
                    }
                    emit(kind, start, end)
                    i = end
                } else if isIdentifierStart(c) {
                    if let ident = scanIdentifier(chars, from: i) {
                        tokens.append(ident)
                        i = ident.end
                    } else {
                        // An opening quote that is never closed: the rest is one bad token.
                        emit(.other, start, n)
                        i = n
                    }
                } else {
                    emit(.other, start, start + 1)
                    i += 1
                }
            }
        }

        // Match parentheses with a stack, in one pass.
        var closing = [Int?](repeating: nil, count: tokens.count)
        var stack: [Int] = []
        for (index, token) in tokens.enumerated() {
            if token.kind == .openParen {
                stack.append(index)
            } else if token.kind == .closeParen, let open = stack.popLast() {
                closing[open] = index
            }
        }
        return FilterTokens(source: chars, tokens: tokens, closing: closing)
    }

    // MARK: - Pieces

    static func isOperatorChar(_ c: Character) -> Bool {
        c == "<" || c == ">" || c == "=" || c == "!" || c == "~"
    }

    static func isWordChar(_ c: Character) -> Bool {
        c == "_" || c.isLetter || c.isNumber
    }

    static func isIdentifierStart(_ c: Character) -> Bool {
        c == "_" || c == "`" || c == "\"" || c.isLetter
    }

    private static func isDigit(_ c: Character?) -> Bool {
        guard let c, c.isASCII else { return false }
        return c.isNumber
    }

    /// Scans a quoted run starting at `from` (which holds `quote`). A doubled quote stays inside;
    /// with `backslashEscapes`, so does a backslash-escaped quote. Returns the offset just past the
    /// closing quote, or nil when the quote is never closed.
    static func scanQuoted(_ chars: [Character], from: Int, quote: Character, backslashEscapes: Bool) -> Int? {
        var k = from + 1
        let n = chars.count
        while k < n {
            let c = chars[k]
            if c == quote {
                if k + 1 < n && chars[k + 1] == quote {
                    k += 2
                    continue
                }
                return k + 1
            }
            if backslashEscapes && c == "\\" && k + 1 < n && chars[k + 1] == quote {
                k += 2
                continue
            }
            k += 1
        }
        return nil
    }

    /// Scans a numeric literal: `-?(digits[.digits*] | .digits)([eE][+-]?digits)?`.
    private static func scanNumber(_ chars: [Character], from: Int) -> (end: Int, isFloat: Bool)? {
        let n = chars.count
        var k = from
        if chars[k] == "-" { k += 1 }
        var digits = 0
        var isFloat = false
        while k < n, isDigit(chars[k]) {
            k += 1
            digits += 1
        }
        if k < n, chars[k] == "." {
            // `1.` and `.5` are numbers; a bare `.` is not.
            if digits > 0 || isDigit(k + 1 < n ? chars[k + 1] : nil) {
                k += 1
                isFloat = true
                while k < n, isDigit(chars[k]) {
                    k += 1
                    digits += 1
                }
            }
        }
        guard digits > 0 else { return nil }
        if k < n, chars[k] == "e" || chars[k] == "E" {
            var e = k + 1
            if e < n, chars[e] == "+" || chars[e] == "-" { e += 1 }
            if e < n, isDigit(chars[e]) {
                while e < n, isDigit(chars[e]) { e += 1 }
                k = e
                isFloat = true
            }
        }
        return (k, isFloat)
    }

    /// Scans an identifier: segments separated by dots. Returns nil only when the very first
    /// segment is an unclosed quote.
    private static func scanIdentifier(_ chars: [Character], from: Int) -> FilterToken? {
        let n = chars.count
        var k = from
        var segments: [FilterToken.Segment] = []
        var malformed = false

        func scanSegment(at p: Int, first: Bool) -> (FilterToken.Segment, Int)? {
            guard p < n else { return nil }
            let c = chars[p]
            if c == "`" {
                guard let end = scanQuoted(chars, from: p, quote: "`", backslashEscapes: false) else { return nil }
                return (FilterToken.Segment(raw: String(chars[p..<end]), quote: "`"), end)
            }
            if c == "\"" {
                guard
                    let end = scanQuoted(chars, from: p, quote: "\"", backslashEscapes: true)
                        ?? scanQuoted(chars, from: p, quote: "\"", backslashEscapes: false)
                else { return nil }
                return (FilterToken.Segment(raw: String(chars[p..<end]), quote: "\""), end)
            }
            if c == "'" && !first {
                // `metrics.'my metric'`: MLflow takes a single-quoted key after the dot too.
                guard let end = scanQuoted(chars, from: p, quote: "'", backslashEscapes: true)
                    ?? scanQuoted(chars, from: p, quote: "'", backslashEscapes: false)
                else { return nil }
                return (FilterToken.Segment(raw: String(chars[p..<end]), quote: "'"), end)
            }
            let startsOK = first ? (c == "_" || c.isLetter) : isWordChar(c)
            guard startsOK else { return nil }
            var e = p
            while e < n, isWordChar(chars[e]) { e += 1 }
            return (FilterToken.Segment(raw: String(chars[p..<e]), quote: nil), e)
        }

        guard let (firstSegment, afterFirst) = scanSegment(at: k, first: true) else { return nil }
        segments.append(firstSegment)
        k = afterFirst
        while k < n, chars[k] == "." {
            if let (segment, end) = scanSegment(at: k + 1, first: false) {
                segments.append(segment)
                k = end
            } else {
                // `metrics.` followed by nothing usable: keep the dot so the error quotes it.
                k += 1
                malformed = true
                break
            }
        }
        var token = FilterToken(kind: .identifier, text: String(chars[from..<k]), start: from, end: k)
        token.segments = segments
        token.isMalformed = malformed
        return token
    }
}
