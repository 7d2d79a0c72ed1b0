import Foundation

/// The date forms settlement files use: ISO 8601 (`2026-11-01T07:00:00+00:00`,
/// `2026-11-01T07:00:00Z`), `2026-11-01 07:00:00 UTC`, and the European
/// `01.11.2026 07:00:00 UTC` some marketplaces write, each with or without
/// the time (then midnight UTC).
enum SettlementDate {
    static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        for pattern in patterns {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = pattern
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }

    static let patterns = [
        "yyyy-MM-dd'T'HH:mm:ssXXXXX", "yyyy-MM-dd HH:mm:ss 'UTC'", "yyyy-MM-dd HH:mm:ss z", "yyyy-MM-dd",
        "dd.MM.yyyy HH:mm:ss 'UTC'", "dd.MM.yyyy HH:mm:ss z", "dd.MM.yyyy",
    ]
}
