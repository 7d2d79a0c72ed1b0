import Foundation

/// Parses `--run-at` (ISO 8601, "now", or "+10m") and `--older-than` ("30d").
enum TimeArgument {
    /// Seconds in "90s", "15m", "12h", "30d", "2w".
    static func duration(_ text: String) -> Double? {
        guard let unit = text.last, let value = Double(text.dropLast()), value >= 0 else { return nil }
        switch unit {
        case "s": return value
        case "m": return value * 60
        case "h": return value * 3600
        case "d": return value * 86_400
        case "w": return value * 604_800
        default: return nil
        }
    }

    static func date(_ text: String, now: Date = Date()) -> Date? {
        if text == "now" { return now }
        if text.hasPrefix("+"), let seconds = duration(String(text.dropFirst())) { return now.addingTimeInterval(seconds) }
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = withFraction.date(from: text) { return date }
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let dateOnly = ISO8601DateFormatter()
        dateOnly.formatOptions = [.withFullDate]
        return dateOnly.date(from: text)
    }
}
