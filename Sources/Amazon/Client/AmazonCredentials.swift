import Foundation

/// The account's Login with Amazon secrets (`credentials` column). Never
/// printed: `description` is redacted, and `secrets` lets error text be scrubbed.
public struct AmazonCredentials: Decodable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let clientID: String
    let clientSecret: String
    let refreshToken: String

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id", clientSecret = "client_secret", refreshToken = "refresh_token"
    }

    public init(clientID: String, clientSecret: String, refreshToken: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func value(_ key: CodingKeys) throws -> String {
            let text = try container.decode(String.self, forKey: key)
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "must not be empty")
            }
            return text
        }
        clientID = try value(.clientID)
        clientSecret = try value(.clientSecret)
        refreshToken = try value(.refreshToken)
    }

    public var description: String { "[Amazon credentials redacted]" }
    public var debugDescription: String { description }

    /// Values to scrub from any text quoted from a response (an error page could echo a form field).
    var secrets: [String] { [refreshToken, clientSecret, clientID].filter { $0.count >= 4 } }
}
