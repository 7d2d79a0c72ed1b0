/// `amazon_product_sync.sync_status`, spelled as the seed spells it.
public enum SyncStatus: String, Sendable, Hashable, Codable {
    case new = "New"
    case success = "Success"
    case failure = "Failure"
}
