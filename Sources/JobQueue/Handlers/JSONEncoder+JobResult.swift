import Foundation

extension JSONEncoder {
    /// Results are stored as jsonb, which re-orders keys anyway; sorted keys keep logs stable.
    static var jobResult: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}
