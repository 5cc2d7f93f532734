extension Validation {
    public static let maxUsernameLength = 64
    public static let minPasswordLength = 8
    public static let maxPasswordLength = 72  // bcrypt reads no further
    public static let maxTokenNameLength = 100

    /// A user name: 1 to 64 letters, digits, `.`, `_`, `-` or `@`; it travels in Basic
    /// credentials, so no `:`.
    public static func validateUsername(_ name: String) throws(TrackError) {
        let allowed = name.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D || $0 == 0x40
        }
        if name.isEmpty || name.utf8.count > maxUsernameLength || !allowed {
            throw TrackError.invalidParameter(
                "Invalid user name '\(name)': use 1 to \(maxUsernameLength) letters, digits, '.', '_', '-' or '@'."
            )
        }
    }

    /// A password: 8 to 72 bytes of UTF-8 (bcrypt ignores what comes after the 72nd byte).
    public static func validatePassword(_ password: String) throws(TrackError) {
        let length = password.utf8.count
        if length < minPasswordLength || length > maxPasswordLength {
            throw TrackError.invalidParameter(
                "A password must be \(minPasswordLength) to \(maxPasswordLength) bytes long."
            )
        }
    }

    /// A token's label: up to 100 characters, printable.
    public static func validateTokenName(_ name: String) throws(TrackError) {
        if name.unicodeScalars.count > maxTokenNameLength || name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw TrackError.invalidParameter("A token name must be at most \(maxTokenNameLength) printable characters.")
        }
    }
}
