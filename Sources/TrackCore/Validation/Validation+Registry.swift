extension Validation {
    public static let maxRegisteredModelsSearchResults = 1000
    public static let maxModelVersionsSearchResults = 200_000

    public static func validateRegisteredModelName(_ name: String) throws(TrackError) {
        if name.isEmpty {
            throw TrackError.invalidParameter("Registered model name cannot be empty.")
        }
        if name.unicodeScalars.count > maxEntityKeyLength {
            throw TrackError.invalidParameter("'Registered model name' exceeds the maximum length of \(maxEntityKeyLength) characters")
        }
    }

    /// A version number as the wire writes it (`"3"`).
    public static func modelVersionNumber(_ text: String) throws(TrackError) -> Int64 {
        guard let number = Int64(text), number > 0 else {
            throw TrackError.invalidParameter("Parameter 'version' must be an integer, got '\(text)'.")
        }
        return number
    }

    /// Aliases name versions in `models:/<name>@<alias>`: `latest` and `v<n>` would read as
    /// something else there.
    public static func validateModelAlias(_ alias: String) throws(TrackError) {
        if alias.isEmpty || alias.unicodeScalars.count > 255 {
            throw TrackError.invalidParameter("Alias name must be between 1 and 255 characters, got '\(alias)'.")
        }
        if alias.lowercased() == "latest" {
            throw TrackError.invalidParameter("'latest' alias name (case insensitive) is reserved.")
        }
        let lower = alias.lowercased()
        if lower.hasPrefix("v"), lower.count > 1, lower.dropFirst().allSatisfy(\.isNumber) {
            throw TrackError.invalidParameter("Version alias name '\(alias)' is reserved.")
        }
        if alias.contains(where: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) {
            throw TrackError.invalidParameter(
                "Alias name '\(alias)' may only contain letters, numbers, underscores (_) and dashes (-)."
            )
        }
    }

    public static func modelStage(_ text: String) throws(TrackError) -> ModelStage {
        guard let stage = ModelStage(wireValue: text) else {
            throw TrackError.invalidParameter(
                "Invalid Model Version stage: \(text). Value must be one of None, Staging, Production, Archived."
            )
        }
        return stage
    }
}
