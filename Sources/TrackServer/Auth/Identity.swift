import TrackCore

/// Who made a request, once their credentials were verified.
public struct Identity: Sendable, Equatable {
    public var username: String
    public var role: Role

    public init(username: String, role: Role) {
        self.username = username
        self.role = role
    }
}
