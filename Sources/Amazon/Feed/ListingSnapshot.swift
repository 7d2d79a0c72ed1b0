import Foundation

/// A listing as the ERP has it now, read by the store when the feed is built:
/// a retry after a fix sends the fixed values, and a quantity is the latest.
public struct ListingSnapshot: Sendable, Equatable {
    public var sku: String
    public var productType: String?
    public var title: String
    public var description: String?
    public var brand: String?
    public var bulletPoints: [String]
    /// The variant's override, else the template's list price.
    public var price: Decimal?
    public var currency: String?
    /// Total over all locations, never below 0.
    public var quantity: Decimal
    public var imageVersion: String?
    /// Main image plus others (1…9).
    public var imageCount: Int
    /// e.g. ["color": "Red", "size": "M"].
    public var variationValues: [String: String]
    public var variationTheme: String?
    /// Set for a variant of a multi-variant template.
    public var parentSKU: String?
    /// A multi-variant template's own listing.
    public var isParent: Bool
    public var shippingGroup: String?

    public init(
        sku: String, productType: String? = nil, title: String, description: String? = nil, brand: String? = nil,
        bulletPoints: [String] = [], price: Decimal? = nil, currency: String? = nil, quantity: Decimal = 0,
        imageVersion: String? = nil, imageCount: Int = 1, variationValues: [String: String] = [:],
        variationTheme: String? = nil, parentSKU: String? = nil, isParent: Bool = false, shippingGroup: String? = nil
    ) {
        self.sku = sku
        self.productType = productType
        self.title = title
        self.description = description
        self.brand = brand
        self.bulletPoints = bulletPoints
        self.price = price
        self.currency = currency
        self.quantity = quantity
        self.imageVersion = imageVersion
        self.imageCount = imageCount
        self.variationValues = variationValues
        self.variationTheme = variationTheme
        self.parentSKU = parentSKU
        self.isParent = isParent
        self.shippingGroup = shippingGroup
    }
}
