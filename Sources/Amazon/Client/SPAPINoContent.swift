/// The answer of an operation that returns `204 No Content` (confirmShipment):
/// `call` returns it for any 2xx without reading the body, since there is none to decode.
public struct SPAPINoContent: Decodable, Sendable, Equatable {
    /// The only value.
    public init() {}
}
