/// The ERP table an operation or sync row is about, named as the seed names it.
public enum ModelName: String, Sendable, Hashable, Codable, CaseIterable {
    case productTemplate = "product_template"
    /// The `product` table: the ERP's variant.
    case productProduct = "product_product"
}
