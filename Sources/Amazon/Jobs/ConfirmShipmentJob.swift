import Foundation
import JobQueue

/// `amazon.confirm_shipment` (`{"shipment_id": n}`): one `confirmShipment`
/// call for one package. The ERP's insert queues it (0011's trigger, one
/// pending job per shipment), so do a changed row and `jobctl amazon shipments`.
///
/// 1. A row already Success is left alone (the job is a no-op).
/// 2. A row the call could never accept fails at once, stored as Failure.
/// 3. The package reference is saved (Sending) before the call, so a retry
///    after a timeout sends the same reference and Amazon edits that package.
/// 4. 204: Success. A 4xx with Amazon's error list: Failure with Amazon's
///    message, and the job fails (a person is notified); it is tried again only
///    when the row changes or someone resends it. 429: back later, no attempt
///    spent. 5xx, timeouts: retried with backoff, the row staying Sending.
public struct ConfirmShipmentJob: JobHandler {
    /// The job type.
    public static let jobType = "amazon.confirm_shipment"
    public static var requiresAccount: Bool { true }

    /// `{"shipment_id": n}`.
    public struct Payload: Decodable, Sendable {
        /// `amazon_shipment.id`.
        public var shipmentID: Int64
        enum CodingKeys: String, CodingKey { case shipmentID = "shipment_id" }
    }

    /// What the run did to the row.
    public struct Result: Codable, Sendable {
        /// `amazon_shipment.id`.
        public var shipmentID: Int64
        /// Amazon's order id.
        public var amazonOrderID: String
        /// The reference sent (saved on the row).
        public var packageReferenceID: Int?
        /// The row's status after the run.
        public var status: String
        /// True when the row was Success before this run (nothing was sent).
        public var alreadyConfirmed: Bool
        enum CodingKeys: String, CodingKey {
            case shipmentID = "shipment_id", amazonOrderID = "amazon_order_id", packageReferenceID = "package_reference_id"
            case status, alreadyConfirmed = "already_confirmed"
        }
    }

    /// The handler.
    public init() {}

    /// Confirms one package (see the type's comment).
    public func run(_ payload: Payload, context: JobContext) async throws -> Result {
        let account = try AmazonJobSupport.account(context)
        let store = ShipmentStore(database: context.database)
        guard let row = try await store.shipment(payload.shipmentID) else {
            throw JobError.permanent("no amazon_shipment has id \(payload.shipmentID)")
        }
        guard row.accountID == account.id else {
            throw JobError.permanent(
                "amazon_shipment \(row.id) belongs to account \(row.accountID), not to \(account.label)")
        }
        if row.status == "Success" {
            return Result(
                shipmentID: row.id, amazonOrderID: row.amazonOrderID, packageReferenceID: row.packageReferenceID,
                status: row.status, alreadyConfirmed: true)
        }
        do {
            _ = try row.request(reference: row.packageReferenceID ?? 1)
        } catch {
            try await store.markFailed(row.id, message: error.description)
            throw JobError.permanent(error.description)
        }
        let reference = try await store.markSending(row.id)
        let request = try row.request(reference: reference)
        let client = AmazonJobSupport.client(account, context)
        var logger = context.logger
        logger[metadataKey: "shipment_id"] = "\(row.id)"
        logger[metadataKey: "amazon_order_id"] = "\(row.amazonOrderID)"
        do {
            try await client.confirmShipment(orderID: row.amazonOrderID, request)
        } catch {
            if case .permanent = error.jobError {
                // Amazon's own words, e.g. "InvalidInput: OrderItemId is invalid".
                let message: String
                switch error {
                case .rejected(_, _, let status, let text), .accessDenied(_, _, let status, let text):
                    message = "Amazon refused package \(reference) with HTTP \(status): \(text)"
                default: message = error.description
                }
                try await store.markFailed(row.id, message: message)
                logger.warning("amazon shipment refused", metadata: ["package_reference_id": "\(reference)"])
            }
            throw error.jobError
        }
        let confirmed = try await store.markConfirmed(row.id)
        logger.info(
            "amazon shipment confirmed",
            metadata: ["package_reference_id": "\(reference)", "written": "\(confirmed)"])
        return Result(
            shipmentID: row.id, amazonOrderID: row.amazonOrderID, packageReferenceID: reference,
            status: confirmed ? "Success" : "changed during the call; a new confirmation is queued", alreadyConfirmed: false)
    }
}
