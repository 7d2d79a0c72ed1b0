/// Why a shipment row is not sent: it names the shipment, its picking and
/// order, and the column to correct. Stored as the row's Failure message.
public struct ShipmentInvalid: Error, Sendable, CustomStringConvertible, Equatable {
    /// The whole sentence.
    public let description: String
}
