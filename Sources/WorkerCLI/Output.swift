import Foundation

/// Formatting shared by the subcommands: aligned tables for people, JSON for scripts.
public enum Output {
    /// Left-aligned columns, two spaces apart; cells are cut at `maxWidth`.
    public static func table(_ header: [String], _ rows: [[String]], maxWidth: Int = 60) -> String {
        let all = [header] + rows.map { $0.map { cut($0, maxWidth) } }
        var widths = Array(repeating: 0, count: header.count)
        for row in all { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// One line, cut to `width` characters with an ellipsis.
    public static func cut(_ text: String, _ width: Int) -> String {
        let oneLine = text.replacingOccurrences(of: "\n", with: " ")
        return oneLine.count > width ? String(oneLine.prefix(width - 1)) + "…" : oneLine
    }

    /// Pretty, sorted, snake_case JSON with ISO 8601 dates (`--json`).
    public static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Indented JSON for a stored jsonb text, or the text itself if it does not parse.
    public static func prettyJSON(_ text: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]),
            let data = try? JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
        else { return text }
        return String(decoding: data, as: UTF8.self)
    }

    /// UTC, to the second, with a Z; "-" for nil.
    public static func timestamp(_ date: Date?) -> String {
        guard let date else { return "-" }
        return date.formatted(
            .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon))
            + "Z"
    }

    /// "in 6d 23h" or "3m 10s ago".
    public static func relative(_ date: Date, now: Date = Date()) -> String {
        let seconds = Int(date.timeIntervalSince(now).rounded())
        let text = duration(abs(seconds))
        if abs(seconds) < 1 { return "now" }
        return seconds > 0 ? "in \(text)" : "\(text) ago"
    }

    /// "6d 23h", "3m 10s": the two largest units.
    public static func duration(_ total: Int) -> String {
        let days = total / 86_400
        let hours = total % 86_400 / 3600
        let minutes = total % 3600 / 60
        let seconds = total % 60
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        if minutes > 0 { return "\(minutes)m \(seconds)s" }
        return "\(seconds)s"
    }
}
