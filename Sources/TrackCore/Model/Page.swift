/// One page of results and the opaque token of the next page, if there is one.
public struct Page<Element: Sendable>: Sendable {
    public var items: [Element]
    public var nextPageToken: String?

    public init(items: [Element], nextPageToken: String? = nil) {
        self.items = items
        self.nextPageToken = nextPageToken
    }
}
