/// Text as Python's `json.dumps` writes it (ASCII only with `\uXXXX` escapes, `", "` and `": "`
/// separators), for the tags the server keeps in the format the mlflow client reads and writes.
public enum PythonJSON {
    /// A string literal.
    public static func string(_ text: String) -> String {
        var out = "\""
        for unit in text.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(unit)!)
            default:
                let hex = String(unit, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return out + "\""
    }

    /// A float as Python's `repr` writes it: the shortest digits that read back the same, in
    /// fixed notation from 1e-4 up to 1e16 (always with a fraction: `1.0`), otherwise in
    /// scientific notation with a signed exponent of two digits or more (`1e-05`, `1.5e+16`);
    /// `NaN`, `Infinity` and `-Infinity` as `json.dumps` writes them.
    public static func float(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        let sign = value.sign == .minus ? "-" : ""
        // Swift's description already holds the shortest round-tripping digits.
        let text = value.magnitude.description
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent = parts.count == 2 ? Int(parts[1])! : 0
        let mantissa = parts[0].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integer = mantissa[0]
        let fraction = mantissa.count == 2 ? mantissa[1] : ""
        var digits = Array(integer + fraction)
        // The value is 0.<digits> × 10^point.
        var point = integer.count + exponent
        while digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        if digits.isEmpty { return sign + "0.0" }
        let all = String(digits)
        if point <= -4 || point > 16 {
            let power = point - 1
            let head = String(digits[0]) + (digits.count > 1 ? "." + String(digits[1...]) : "")
            let magnitude = String(abs(power))
            return sign + head + "e" + (power < 0 ? "-" : "+") + (magnitude.count < 2 ? "0" : "") + magnitude
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + all }
        if point >= digits.count { return sign + all + String(repeating: "0", count: point - digits.count) + ".0" }
        return sign + String(digits[..<point]) + "." + String(digits[point...])
    }

    /// `list` (the text of a JSON list, or nil for none) with `entry` (one element's text)
    /// appended, as `json.dumps(json.loads(list) + [entry])` writes it when `list` is in that
    /// format too. Text that is not a list is replaced by a list of `entry` alone.
    public static func appending(_ entry: String, toList list: String?) -> String {
        guard let list, list.hasPrefix("["), list.hasSuffix("]") else { return "[\(entry)]" }
        let isSpace = { (c: Character) in c == " " || c == "\t" || c == "\n" || c == "\r" }
        let body = list.dropFirst().dropLast().drop(while: isSpace).reversed().drop(while: isSpace).reversed()
        return body.isEmpty ? "[\(entry)]" : "[\(String(body)), \(entry)]"
    }
}

/// The run tag in which MLflow 2 clients record every model logged in a run
/// (`POST runs/log-model`): a JSON list of the models' metadata.
public enum LoggedModelHistory {
    public static let tagKey = "mlflow.log-model.history"
}
