import Foundation
import Postgres

/// Secret account fields. `description` never shows them; `secretValues` lets
/// the worker scrub them out of any error or result text as a last line of
/// defence.
public struct Credentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    private let json: Data

    public init(json: Data) { self.json = json }

    public var description: String { "[credentials redacted]" }
    public var debugDescription: String { description }

    /// Decodes the secrets; a missing field is a permanent error naming the field only.
    public func decode<T: Decodable>(_ type: T.Type, accountID: Int64) throws(JobError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: json)
        } catch {
            throw .permanent("account \(accountID): credentials: \(DecodingErrorText.describe(error, showValues: false))")
        }
    }

    /// Every string leaf of the credentials object that is long enough to be
    /// worth scrubbing (short values like "1" would mangle unrelated text).
    public var secretValues: [String] {
        guard let object = try? JSONSerialization.jsonObject(with: json) else { return [] }
        var values: [String] = []
        func walk(_ value: Any) {
            switch value {
            case let string as String where string.count >= 4: values.append(string)
            case let dictionary as [String: Any]: dictionary.values.forEach(walk)
            case let array as [Any]: array.forEach(walk)
            default: break
            }
        }
        walk(object)
        return values.sorted { $0.count > $1.count }
    }
}
