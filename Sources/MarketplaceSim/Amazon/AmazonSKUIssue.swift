import Foundation

/// An issue the simulator reports for every message about one SKU, as Amazon
/// would for a listing it refuses (`ERROR`: the message is not applied) or
/// accepts with a remark (`WARNING`, `INFO`). Set with `POST /_control/sku-errors`.
public struct AmazonSKUIssue: Sendable, Codable, Equatable {
    /// The SKU it applies to.
    public var sku: String
    /// `ERROR` (refused), `WARNING` or `INFO` (accepted).
    public var severity: String
    /// Amazon's issue code.
    public var code: String
    /// The text reported.
    public var message: String
    /// The attribute named, if any.
    public var attributeName: String?

    /// An issue; defaults are a typical missing-attribute ERROR.
    public init(
        sku: String, severity: String = "ERROR", code: String = "90220",
        message: String = "'[batteries_required]' is required but not supplied.", attributeName: String? = nil
    ) {
        self.sku = sku
        self.severity = severity
        self.code = code
        self.message = message
        self.attributeName = attributeName
    }

    enum CodingKeys: String, CodingKey { case sku, severity, code, message, attributeName = "attribute_name" }

    /// Every field but `sku` optional.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            sku: try container.decode(String.self, forKey: .sku),
            severity: try container.decodeIfPresent(String.self, forKey: .severity) ?? "ERROR",
            code: try container.decodeIfPresent(String.self, forKey: .code) ?? "90220",
            message: try container.decodeIfPresent(String.self, forKey: .message)
                ?? "'[batteries_required]' is required but not supplied.",
            attributeName: try container.decodeIfPresent(String.self, forKey: .attributeName))
        guard ["ERROR", "WARNING", "INFO"].contains(severity) else {
            throw DecodingError.dataCorruptedError(
                forKey: .severity, in: container, debugDescription: "expected ERROR, WARNING or INFO")
        }
    }
}
