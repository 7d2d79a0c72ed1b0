/// A result for job types that return nothing worth keeping.
public struct EmptyResult: Codable, Sendable {
    public init() {}
}
