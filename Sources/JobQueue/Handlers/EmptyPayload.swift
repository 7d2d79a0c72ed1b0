/// A payload for job types that take no input: any JSON object is accepted.
public struct EmptyPayload: Decodable, Sendable {
    public init() {}
    public init(from decoder: any Decoder) throws {}
}
