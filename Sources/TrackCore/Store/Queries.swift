/// What a runs search asks for.
public struct RunQuery: Sendable {
    public var experimentIDs: [String]
    public var filter: [SearchClause]
    public var orderBy: [SearchOrder]
    public var viewType: ViewType
    public var maxResults: Int
    public var pageToken: String?

    public init(
        experimentIDs: [String], filter: [SearchClause] = [], orderBy: [SearchOrder] = [],
        viewType: ViewType = .activeOnly, maxResults: Int = 1000, pageToken: String? = nil
    ) {
        self.experimentIDs = experimentIDs
        self.filter = filter
        self.orderBy = orderBy
        self.viewType = viewType
        self.maxResults = maxResults
        self.pageToken = pageToken
    }
}

/// What an experiments search asks for.
public struct ExperimentQuery: Sendable {
    public var filter: [SearchClause]
    public var orderBy: [SearchOrder]
    public var viewType: ViewType
    public var maxResults: Int
    public var pageToken: String?

    public init(
        filter: [SearchClause] = [], orderBy: [SearchOrder] = [], viewType: ViewType = .activeOnly,
        maxResults: Int = 1000, pageToken: String? = nil
    ) {
        self.filter = filter
        self.orderBy = orderBy
        self.viewType = viewType
        self.maxResults = maxResults
        self.pageToken = pageToken
    }
}

/// The fields of a new run.
public struct RunCreation: Sendable {
    public var experimentID: String
    public var userID: String
    public var runName: String?
    public var startTime: Int64
    public var tags: [Tag]

    public init(experimentID: String, userID: String = "", runName: String? = nil, startTime: Int64 = 0, tags: [Tag] = []) {
        self.experimentID = experimentID
        self.userID = userID
        self.runName = runName
        self.startTime = startTime
        self.tags = tags
    }
}

/// The changes of a run update; `nil` leaves a field as it is.
public struct RunUpdate: Sendable {
    public var status: RunStatus?
    public var endTime: Int64?
    public var runName: String?

    public init(status: RunStatus? = nil, endTime: Int64? = nil, runName: String? = nil) {
        self.status = status
        self.endTime = endTime
        self.runName = runName
    }
}

/// A request for a downsampled view of one series.
public struct SeriesQuery: Sendable {
    public var runID: String
    public var key: String
    /// Inclusive step range; `nil` is open.
    public var minStep: Int64?
    public var maxStep: Int64?
    /// At most this many points are returned.
    public var maxPoints: Int

    public init(runID: String, key: String, minStep: Int64? = nil, maxStep: Int64? = nil, maxPoints: Int) {
        self.runID = runID
        self.key = key
        self.minStep = minStep
        self.maxStep = maxStep
        self.maxPoints = maxPoints
    }
}
