/// A key and a string value: params, run tags and experiment tags.
public struct KeyValue: Sendable, Equatable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

public typealias Param = KeyValue
public typealias Tag = KeyValue
