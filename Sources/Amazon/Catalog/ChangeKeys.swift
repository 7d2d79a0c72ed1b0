/// Which operation keys make which sync type. Keys not listed (`active`,
/// `default_code`, `amazon_asin`, `template_id`) never reach Amazon: a SKU is
/// a listing's identity and cannot be changed by a write.
public enum ChangeKeys {
    public static let syncActive = "amazon_sync_active"
    public static let sku = "default_code"

    /// The sync type a written key belongs to, or nil when Amazon does not care.
    public static func syncType(of key: String) -> SyncType? {
        switch key {
        case "name", "description", "brand", "bullet_points", "variation_values", "amazon_product_type",
            "amazon_variation_theme":
            .update
        case "list_price", "price_override", "currency": .price
        case "quantity": .inventory
        case "amazon_image_version", "amazon_image_count": .image
        case "amazon_shipping_group": .override
        default: nil
        }
    }

    /// Template keys whose values every variant listing shows too: a template
    /// write of one of these is also a write of each of its variants. (A
    /// variant's title is its own `product.name`.)
    public static let sharedWithVariants: Set<String> = [
        "description", "brand", "bullet_points", "list_price", "currency", "amazon_product_type",
    ]

    /// Template keys that belong to the single variant's listing when the
    /// template has one variant (the template is then not listed itself).
    public static let sharedWithSingleVariant: Set<String> = sharedWithVariants.union([
        "amazon_image_version", "amazon_image_count", "amazon_shipping_group",
    ])
}
