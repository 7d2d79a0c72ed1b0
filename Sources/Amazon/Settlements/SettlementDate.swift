import Foundation
import Postgres

/// The date forms settlement files use: `2026-11-01 07:00:00 UTC` and the
/// European `01.11.2026 07:00:00 UTC` (each with or without the time, then
/// midnight UTC), read by hand because a file holds two per line and a
/// `DateFormatter` per field made a 2,000-line file take seconds; then ISO
/// 8601 (`2026-11-01T07:00:00+00:00`, `…Z`); then a few formatter patterns.
enum SettlementDate {
    static func parse(_ text: String) -> Date? {
        if let date = fast(text) { return date }
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

    static let patterns = ["yyyy-MM-dd'T'HH:mm:ssXXXXX", "yyyy-MM-dd HH:mm:ss z", "dd.MM.yyyy HH:mm:ss z"]

    /// `yyyy-MM-dd[ HH:mm:ss[ UTC]]` or `dd.MM.yyyy[ HH:mm:ss[ UTC]]`, UTC.
    static func fast(_ text: String) -> Date? {
        var rest = Substring(text)
        if rest.hasSuffix(" UTC") { rest = rest.dropLast(4) }
        let parts = rest.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return nil }
        let day = parts[0]
        let year: Int
        let month: Int
        let dayOfMonth: Int
        if let fields = numbers(day, separator: "-"), fields.count == 3, day.count == 10 {
            (year, month, dayOfMonth) = (fields[0], fields[1], fields[2])
        } else if let fields = numbers(day, separator: "."), fields.count == 3, day.count == 10 {
            (year, month, dayOfMonth) = (fields[2], fields[1], fields[0])
        } else {
            return nil
        }
        var seconds = 0
        if parts.count == 2 {
            guard let time = numbers(parts[1], separator: ":"), time.count == 3, parts[1].count == 8,
                time[0] < 24, time[1] < 60, time[2] < 60
            else { return nil }
            seconds = time[0] * 3_600 + time[1] * 60 + time[2]
        }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(dayOfMonth) else { return nil }
        let days = PostgresTimestamp.daysFromCivil(year: Int64(year), month: Int64(month), day: Int64(dayOfMonth))
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + Int64(seconds)))
    }

    private static func numbers(_ text: Substring, separator: Character) -> [Int]? {
        let fields = text.split(separator: separator, omittingEmptySubsequences: false)
        var values: [Int] = []
        for field in fields {
            guard !field.isEmpty, field.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(field) else { return nil }
            values.append(value)
        }
        return values
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
