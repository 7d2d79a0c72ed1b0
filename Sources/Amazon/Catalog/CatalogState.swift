/// What the transformer needs to know about records as they are now: whether
/// a variant is listed, and which variants a template has. The store reads it
/// for the records a batch touches; tests write it by hand.
public struct CatalogState: Sendable, Equatable {
    /// A variant as it is now.
    public struct Variant: Sendable, Equatable {
        public var templateID: Int64?
        public var sku: String?
        public var syncActive: Bool
        public var imageVersion: String?
        public init(templateID: Int64? = nil, sku: String?, syncActive: Bool, imageVersion: String? = nil) {
            self.templateID = templateID
            self.sku = sku
            self.syncActive = syncActive
            self.imageVersion = imageVersion
        }
        /// Listed on Amazon: active and with a SKU.
        public var isListed: Bool { syncActive && sku != nil }
    }

    /// A template as it is now.
    public struct Template: Sendable, Equatable {
        /// The parent SKU (multi-variant templates only).
        public var sku: String?
        public var syncActive: Bool
        public var variantIDs: [Int64]
        public var imageVersion: String?
        public init(sku: String?, syncActive: Bool, variantIDs: [Int64], imageVersion: String? = nil) {
            self.sku = sku
            self.syncActive = syncActive
            self.variantIDs = variantIDs
            self.imageVersion = imageVersion
        }
        /// A template with several variants is a parent listing of its own.
        public var isParent: Bool { variantIDs.count > 1 }
        public var isListed: Bool { isParent && syncActive && sku != nil }
    }

    public var variants: [Int64: Variant]
    public var templates: [Int64: Template]

    public init(variants: [Int64: Variant] = [:], templates: [Int64: Template] = [:]) {
        self.variants = variants
        self.templates = templates
    }
}
