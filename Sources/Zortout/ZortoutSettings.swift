import Foundation
import JobQueue

/// A Zortout account's `settings` (non-secret). Every key is optional.
public struct ZortoutSettings: Decodable, Sendable {
    public static let defaultBaseURL = URL(string: "https://open-api.zortout.com/v4")!

    /// Which Zortout figure becomes the ERP quantity.
    public enum StockField: String, Decodable, Sendable {
        /// On hand minus units reserved by unshipped orders (the guide's choice).
        case availableStock = "availablestock"
        /// On hand.
        case stock
    }

    public var baseURL: URL
    public var warehouseCode: String?
    public var stockLocationID: Int64?
    public var stockField: StockField
    public var pullIntervalSeconds: Int

    enum CodingKeys: String, CodingKey {
        case baseURL = "base_url", warehouseCode = "warehouse_code", stockLocationID = "stock_location_id"
        case stockField = "stock_field", pullIntervalSeconds = "pull_interval_seconds"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try container.decodeIfPresent(String.self, forKey: .baseURL) {
            guard let url = URL(string: text.hasSuffix("/") ? String(text.dropLast()) : text),
                let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", url.host != nil
            else {
                throw DecodingError.dataCorruptedError(
                    forKey: .baseURL, in: container,
                    debugDescription: "expected an http(s) URL such as \(Self.defaultBaseURL.absoluteString)")
            }
            baseURL = url
        } else {
            baseURL = Self.defaultBaseURL
        }
        let code = try container.decodeIfPresent(String.self, forKey: .warehouseCode)?.trimmingCharacters(in: .whitespaces)
        warehouseCode = (code?.isEmpty ?? true) ? nil : code
        stockLocationID = try container.decodeIfPresent(Int64.self, forKey: .stockLocationID)
        do {
            stockField = try container.decodeIfPresent(StockField.self, forKey: .stockField) ?? .availableStock
        } catch {
            throw DecodingError.dataCorruptedError(
                forKey: .stockField, in: container,
                debugDescription: "expected \"availablestock\" or \"stock\"")
        }
        pullIntervalSeconds = try container.decodeIfPresent(Int.self, forKey: .pullIntervalSeconds) ?? 600
        guard pullIntervalSeconds > 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .pullIntervalSeconds, in: container,
                debugDescription: "must be a positive number of seconds")
        }
    }
}

/// The account's `credentials`: sent as headers, never printed.
public struct ZortoutCredentials: Decodable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let storeName: String
    let apiKey: String
    let apiSecret: String

    enum CodingKeys: String, CodingKey {
        case storeName = "store_name", apiKey = "api_key", apiSecret = "api_secret"
    }

    public init(storeName: String, apiKey: String, apiSecret: String) {
        self.storeName = storeName
        self.apiKey = apiKey
        self.apiSecret = apiSecret
    }

    public var description: String { "[Zortout credentials redacted]" }
    public var debugDescription: String { description }

    var headers: [String: String] {
        ["storename": storeName, "apikey": apiKey, "apisecret": apiSecret]
    }

    /// Values to scrub out of any text quoted from a response body.
    var secrets: [String] { [apiSecret, apiKey, storeName].filter { $0.count >= 4 } }
}
