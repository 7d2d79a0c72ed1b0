/// The account settings a feed document needs.
public struct FeedSettings: Sendable, Equatable {
    public var sellerID: String
    /// Attribute values are written for this marketplace (the account's first).
    public var marketplaceID: String
    public var languageTag: String
    /// Images are `<imageBaseURL>/<sku>/<version>/main.jpg` and `…/1.jpg` … `…/8.jpg`.
    public var imageBaseURL: String?
    /// For records without `amazon_product_type`.
    public var defaultProductType: String
    /// For templates without a currency.
    public var currency: String?
    /// Sent as `lead_time_to_ship_max_days` with every quantity.
    public var leadTimeDays: Int?

    public init(
        sellerID: String, marketplaceID: String, languageTag: String = "en_US", imageBaseURL: String? = nil,
        defaultProductType: String = "PRODUCT", currency: String? = nil, leadTimeDays: Int? = nil
    ) {
        self.sellerID = sellerID
        self.marketplaceID = marketplaceID
        self.languageTag = languageTag
        self.imageBaseURL = imageBaseURL
        self.defaultProductType = defaultProductType
        self.currency = currency
        self.leadTimeDays = leadTimeDays
    }
}
