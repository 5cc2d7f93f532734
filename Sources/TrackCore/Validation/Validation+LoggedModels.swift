extension Validation {
    /// Logged-model names become part of `runs:/<run>/<name>` URIs and artifact paths, so the
    /// characters that would change their meaning there are refused, as MLflow refuses them.
    public static func validateLoggedModelName(_ name: String?) throws(TrackError) {
        guard let name else { return }
        let refused: [Character] = ["/", ":", ".", "%", "\"", "'"]
        if name.isEmpty || name.contains(where: { refused.contains($0) }) {
            throw TrackError.invalidParameter(
                "Invalid model name ('\(name)') provided. Model name must be a non-empty string and cannot contain the following characters: ('/', ':', '.', '%', '\"', \"'\")"
            )
        }
        if name.unicodeScalars.count > maxEntityKeyLength {
            throw TrackError.invalidParameter("'Model name' exceeds the maximum length of \(maxEntityKeyLength) characters")
        }
    }

    /// A status a logged model can be finalized with.
    public static func finalStatus(_ wireValue: String) throws(TrackError) -> LoggedModelStatus {
        guard let status = LoggedModelStatus(rawValue: wireValue), status != .pending else {
            throw TrackError.invalidParameter(
                "Invalid value '\(wireValue)' for parameter 'status': expected LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED."
            )
        }
        return status
    }
}
