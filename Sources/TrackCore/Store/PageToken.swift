import Foundation

/// Opaque page tokens: base64 of a small JSON object, as MLflow's `{"offset": N}`.
public enum PageToken {
    /// Encodes an offset token.
    public static func offset(_ offset: Int) -> String {
        Data("{\"offset\": \(offset)}".utf8).base64EncodedString()
    }

    /// Decodes an offset token; `nil` or empty means the first page.
    public static func decodeOffset(_ token: String?) throws(TrackError) -> Int {
        guard let token, !token.isEmpty else { return 0 }
        guard let data = Data(base64Encoded: token) else {
            throw TrackError.invalidParameter("Invalid page token, could not base64-decode")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let offset = (object["offset"] as? NSNumber)?.intValue, offset >= 0
        else {
            throw TrackError.invalidParameter("Invalid page token, could not decode offset")
        }
        return offset
    }

    /// Encodes a keyset position (opaque to clients).
    public static func keyset(_ values: [Int64]) -> String {
        Data(("{\"after\": [" + values.map(String.init).joined(separator: ", ") + "]}").utf8).base64EncodedString()
    }

    /// Decodes a keyset token with `count` values; `nil` for the first page.
    public static func decodeKeyset(_ token: String?, count: Int) throws(TrackError) -> [Int64]? {
        guard let token, !token.isEmpty else { return nil }
        guard let data = Data(base64Encoded: token) else {
            throw TrackError.invalidParameter("Invalid page token, could not base64-decode")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let values = object["after"] as? [NSNumber], values.count == count
        else {
            throw TrackError.invalidParameter("Invalid page token, could not decode position")
        }
        return values.map { $0.int64Value }
    }
}
