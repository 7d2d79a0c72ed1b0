/// The configuration form of one marketplace: which settings keys and which
/// credential keys it has, and how each is typed. Accounts of marketplaces
/// without a form show their settings read-only.
struct AccountForm: Sendable {
    enum Kind: Sendable { case text, number, list, bool, secret }

    struct Field: Sendable {
        var key: String
        var label: String
        var kind: Kind
        var hint: String = ""
    }

    var fields: [Field]
    /// The job type that "Test connection" enqueues.
    var testJobType: String

    static func of(_ marketplace: String) -> AccountForm? {
        switch marketplace {
        case "amazon": return amazon
        case "zortout": return zortout
        default: return nil
        }
    }

    static let amazon = AccountForm(
        fields: [
            Field(key: "seller_id", label: "Seller id", kind: .text),
            Field(key: "marketplace_ids", label: "Marketplace ids", kind: .list, hint: "comma-separated, e.g. ATVPDKIKX0DER"),
            Field(key: "endpoint", label: "SP-API endpoint", kind: .text, hint: "https://sellingpartnerapi-na.amazon.com"),
            Field(
                key: "token_endpoint", label: "LWA token endpoint", kind: .text,
                hint: "default https://api.amazon.com/auth/o2/token"),
            Field(key: "client_id", label: "Client id", kind: .secret),
            Field(key: "client_secret", label: "Client secret", kind: .secret),
            Field(key: "refresh_token", label: "Refresh token", kind: .secret),
            Field(key: "image_base_url", label: "Image URL", kind: .text),
            Field(key: "interval_seconds", label: "Interval (seconds)", kind: .number),
            Field(
                key: "automatic", label: "Active (automatic mode)", kind: .bool,
                hint: "the schedule syncs; manual buttons are off"),
        ], testJobType: "amazon.test_connection")

    static let zortout = AccountForm(
        fields: [
            Field(key: "store_name", label: "Store name", kind: .secret),
            Field(key: "api_key", label: "API key", kind: .secret),
            Field(key: "api_secret", label: "API secret", kind: .secret),
            Field(key: "base_url", label: "API base URL", kind: .text, hint: "default https://open-api.zortout.com/v4"),
            Field(key: "warehouse_code", label: "Warehouse code", kind: .text),
            Field(key: "stock_location_id", label: "Stock location id", kind: .number),
            Field(key: "stock_field", label: "Stock field", kind: .text, hint: "availablestock or stock"),
            Field(key: "pull_interval_seconds", label: "Pull interval (seconds)", kind: .number),
            Field(key: "automatic", label: "Active (automatic mode)", kind: .bool),
        ], testJobType: "zortout.list_warehouses")
}
