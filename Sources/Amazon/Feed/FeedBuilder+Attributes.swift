import ExactJSON
import Foundation

extension FeedBuilder {
    /// `[{"value": …, "marketplace_id": …}]`, with a language tag for text.
    func attribute(_ value: String, localized: Bool = false) -> JSONValue {
        var member: [String: JSONValue] = ["value": .string(value), "marketplace_id": .string(settings.marketplaceID)]
        if localized { member["language_tag"] = .string(settings.languageTag) }
        return .array([.object(member)])
    }

    func replace(_ name: String, _ value: JSONValue) -> JSONValue {
        .object(["op": .string("replace"), "path": .string("/attributes/\(name)"), "value": value])
    }

    func remove(_ name: String) -> JSONValue {
        .object([
            "op": .string("delete"), "path": .string("/attributes/\(name)"),
            "value": .array([.object(["marketplace_id": .string(settings.marketplaceID)])]),
        ])
    }

    /// The product facts of a create (`UPDATE`, requirements `LISTING`);
    /// offer, stock, images and the relationship follow once it is accepted.
    func createAttributes(_ listing: ListingSnapshot) -> [String: JSONValue] {
        var attributes: [String: JSONValue] = [
            "item_name": attribute(listing.title, localized: true),
            "condition_type": attribute("new_new"),
        ]
        if let brand = listing.brand { attributes["brand"] = attribute(brand, localized: true) }
        if let description = listing.description { attributes["product_description"] = attribute(description, localized: true) }
        if !listing.bulletPoints.isEmpty { attributes["bullet_point"] = bulletPoints(listing.bulletPoints) }
        for (name, value) in listing.variationValues { attributes[name] = attribute(value) }
        return attributes
    }

    func bulletPoints(_ points: [String]) -> JSONValue {
        .array(
            points.map {
                .object([
                    "value": .string($0), "language_tag": .string(settings.languageTag),
                    "marketplace_id": .string(settings.marketplaceID),
                ])
            })
    }

    /// The JSON Patch operations of every non-create sync type.
    func patches(for type: SyncType, values: [String: JSONValue], listing: ListingSnapshot) throws -> [JSONValue] {
        let marketplace = JSONValue.string(settings.marketplaceID)
        switch type {
        case .update:
            var patches: [JSONValue] = []
            for key in values.keys.sorted() {
                switch key {
                case "name": patches.append(replace("item_name", attribute(listing.title, localized: true)))
                case "brand":
                    patches.append(listing.brand.map { replace("brand", attribute($0, localized: true)) } ?? remove("brand"))
                case "description":
                    patches.append(
                        listing.description.map { replace("product_description", attribute($0, localized: true)) }
                            ?? remove("product_description"))
                case "bullet_points":
                    patches.append(
                        listing.bulletPoints.isEmpty
                            ? remove("bullet_point") : replace("bullet_point", bulletPoints(listing.bulletPoints)))
                case "variation_values":
                    for name in listing.variationValues.keys.sorted() {
                        patches.append(replace(name, attribute(listing.variationValues[name]!)))
                    }
                case "amazon_variation_theme":
                    if let theme = listing.variationTheme {
                        patches.append(replace("variation_theme", .array([.object(["name": .string(theme)])])))
                    }
                default: break
                }
            }
            // A product type change alone has no attribute to patch; the title keeps the message valid.
            return patches.isEmpty ? [replace("item_name", attribute(listing.title, localized: true))] : patches
        case .price:
            guard let price = listing.price else {
                throw Rejection(reason: "price: \(listing.sku) has no list_price or price_override")
            }
            guard let currency = listing.currency ?? settings.currency else {
                throw Rejection(
                    reason:
                        "price: \(listing.sku) has no currency (set product_template.currency or the account's settings.currency)"
                )
            }
            let offer: JSONValue = .object([
                "marketplace_id": marketplace, "currency": .string(currency), "audience": .string("ALL"),
                "our_price": .array([.object(["schedule": .array([.object(["value_with_tax": .number(price)])])])]),
            ])
            return [replace("purchasable_offer", .array([offer]))]
        case .inventory:
            return [replace("fulfillment_availability", .array([fulfillment(quantity: Self.wholeUnits(listing.quantity))]))]
        case .deactivate:
            return [replace("fulfillment_availability", .array([fulfillment(quantity: 0)]))]
        case .image:
            guard let base = settings.imageBaseURL else {
                throw Rejection(reason: "image: the account has no settings.image_base_url")
            }
            guard let version = listing.imageVersion else {
                throw Rejection(reason: "image: \(listing.sku) has no amazon_image_version")
            }
            let root =
                (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/" + Self.pathSegment(listing.sku) + "/"
                + Self.pathSegment(version)
            func locator(_ file: String) -> JSONValue {
                .array([.object(["marketplace_id": marketplace, "media_location": .string("\(root)/\(file).jpg")])])
            }
            var patches = [replace("main_product_image_locator", locator("main"))]
            for index in 1..<max(1, min(listing.imageCount, 9)) {
                patches.append(replace("other_product_image_locator_\(index)", locator("\(index)")))
            }
            return patches
        case .relationship:
            if listing.isParent {
                guard let theme = listing.variationTheme else {
                    throw Rejection(reason: "relationship: parent \(listing.sku) has no amazon_variation_theme")
                }
                return [
                    replace("parentage_level", attribute("parent")),
                    replace("variation_theme", .array([.object(["name": .string(theme)])])),
                ]
            }
            guard let parent = listing.parentSKU else {
                throw Rejection(reason: "relationship: \(listing.sku) has no parent SKU (its template's default_code)")
            }
            var patches = [
                replace("parentage_level", attribute("child")),
                replace(
                    "child_parent_sku_relationship",
                    .array([
                        .object([
                            "marketplace_id": marketplace, "child_relationship_type": .string("variation"),
                            "parent_sku": .string(parent),
                        ])
                    ])),
            ]
            if let theme = listing.variationTheme {
                patches.append(replace("variation_theme", .array([.object(["name": .string(theme)])])))
            }
            return patches
        case .override:
            return [
                listing.shippingGroup.map { replace("merchant_shipping_group", attribute($0)) }
                    ?? remove("merchant_shipping_group")
            ]
        case .create, .delete:
            preconditionFailure("create and delete are not patches")
        }
    }

    func fulfillment(quantity: Decimal) -> JSONValue {
        var member: [String: JSONValue] = ["fulfillment_channel_code": .string("DEFAULT"), "quantity": .number(quantity)]
        if let lead = settings.leadTimeDays { member["lead_time_to_ship_max_days"] = .number(Decimal(lead)) }
        return .object(member)
    }

    /// Amazon counts whole units: fractional stock rounds down, never below 0.
    static func wholeUnits(_ quantity: Decimal) -> Decimal {
        var input = max(quantity, 0)
        var output = Decimal()
        NSDecimalRound(&output, &input, 0, .down)
        return output
    }

    static func pathSegment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? text
    }
}
