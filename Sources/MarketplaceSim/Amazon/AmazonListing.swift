import ExactJSON
import Foundation

/// What Amazon would now show for one SKU, after every accepted message:
/// the raw attributes as stored, and the fields the sync maps, read out of them.
/// This is the answer of `GET /_control/listings[/SKU]`.
public struct AmazonListing: Sendable, Codable, Equatable {
    /// The seller SKU.
    public var sku: String
    /// From the last UPDATE.
    public var productType: String
    /// Every attribute as stored, after all accepted messages.
    public var attributes: [String: JSONValue]
    /// A DELETE was accepted; an UPDATE brings it back.
    public var deleted: Bool
    /// The feed of the last accepted message for this SKU.
    public var lastFeedID: String

    /// A listing from parts.
    public init(sku: String, productType: String, attributes: [String: JSONValue], deleted: Bool = false, lastFeedID: String) {
        self.sku = sku
        self.productType = productType
        self.attributes = attributes
        self.deleted = deleted
        self.lastFeedID = lastFeedID
    }

    enum CodingKeys: String, CodingKey {
        case sku, productType = "product_type", attributes, deleted, lastFeedID = "last_feed_id"
        case itemName = "item_name", price, currency, quantity, mainImage = "main_image", otherImages = "other_images"
        case parentSKU = "parent_sku", parentageLevel = "parentage_level", variationTheme = "variation_theme"
        case shippingGroup = "merchant_shipping_group"
    }

    /// Reads the stored fields back (the derived ones are recomputed).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            sku: try container.decode(String.self, forKey: .sku),
            productType: try container.decode(String.self, forKey: .productType),
            attributes: try container.decode([String: JSONValue].self, forKey: .attributes),
            deleted: try container.decode(Bool.self, forKey: .deleted),
            lastFeedID: try container.decode(String.self, forKey: .lastFeedID))
    }

    /// The stored fields plus the derived ones, so a shell user sees quantity and price at a glance.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sku, forKey: .sku)
        try container.encode(productType, forKey: .productType)
        try container.encode(deleted, forKey: .deleted)
        try container.encode(lastFeedID, forKey: .lastFeedID)
        try container.encodeIfPresent(itemName, forKey: .itemName)
        try container.encodeIfPresent(price.map { "\($0)" }, forKey: .price)
        try container.encodeIfPresent(currency, forKey: .currency)
        try container.encodeIfPresent(quantity, forKey: .quantity)
        try container.encodeIfPresent(mainImage, forKey: .mainImage)
        try container.encode(otherImages, forKey: .otherImages)
        try container.encodeIfPresent(parentSKU, forKey: .parentSKU)
        try container.encodeIfPresent(parentageLevel, forKey: .parentageLevel)
        try container.encodeIfPresent(variationTheme, forKey: .variationTheme)
        try container.encodeIfPresent(shippingGroup, forKey: .shippingGroup)
        try container.encode(attributes, forKey: .attributes)
    }

    /// `item_name[0].value`.
    public var itemName: String? { first("item_name")?["value"]?.stringValue }

    /// `purchasable_offer[0].our_price[0].schedule[0].value_with_tax`, exact.
    public var price: Decimal? {
        guard let value = first("purchasable_offer")?["our_price"]?[0]?["schedule"]?[0]?["value_with_tax"] else { return nil }
        return value.numericValue
    }

    /// `purchasable_offer[0].currency`.
    public var currency: String? { first("purchasable_offer")?["currency"]?.stringValue }

    /// The `DEFAULT` channel's `fulfillment_availability` quantity.
    public var quantity: Int? {
        let entries = attributes["fulfillment_availability"]?.arrayValue ?? []
        let entry = entries.first { $0["fulfillment_channel_code"]?.stringValue == "DEFAULT" } ?? entries.first
        return entry?["quantity"]?.intValue
    }

    /// `main_product_image_locator[0].media_location`.
    public var mainImage: String? { first("main_product_image_locator")?["media_location"]?.stringValue }

    /// `other_product_image_locator_1…8`, in order, present ones only.
    public var otherImages: [String] {
        (1...8).compactMap { first("other_product_image_locator_\($0)")?["media_location"]?.stringValue }
    }

    /// `child_parent_sku_relationship[0].parent_sku`.
    public var parentSKU: String? { first("child_parent_sku_relationship")?["parent_sku"]?.stringValue }

    /// `parentage_level[0].value` (`parent` or `child`).
    public var parentageLevel: String? { first("parentage_level")?["value"]?.stringValue }

    /// `variation_theme[0].name`.
    public var variationTheme: String? { first("variation_theme")?["name"]?.stringValue }

    /// `merchant_shipping_group[0].value`.
    public var shippingGroup: String? { first("merchant_shipping_group")?["value"]?.stringValue }

    private func first(_ attribute: String) -> JSONValue? { attributes[attribute]?[0] }
}
