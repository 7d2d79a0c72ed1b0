import Foundation
import HTTPClient

/// Text helpers for error messages: what kind of body arrived, and scrubbing
/// anything secret out of a quoted snippet before it can reach a job row.
enum AmazonText {
    /// Replaces each secret (longest first) with `[redacted]`.
    static func scrub(_ text: String, _ secrets: [String]) -> String {
        secrets.sorted { $0.count > $1.count }.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
    }

    /// Blanks the value of any `access_token`/`refresh_token` field a body echoes back.
    static func scrubToken(_ text: String) -> String {
        var result = text
        for field in ["access_token", "refresh_token"] {
            var searchStart = result.startIndex
            while let name = result.range(of: "\"\(field)\"", range: searchStart..<result.endIndex) {
                searchStart = name.upperBound
                guard let open = result[name.upperBound...].firstIndex(of: "\"") else { break }
                let valueStart = result.index(after: open)
                let valueEnd = result[valueStart...].firstIndex(of: "\"") ?? result.endIndex
                result.replaceSubrange(valueStart..<valueEnd, with: "[redacted]")
                searchStart =
                    result.index(valueStart, offsetBy: "[redacted]".count, limitedBy: result.endIndex) ?? result.endIndex
            }
        }
        return result
    }

    /// "an HTML page instead of JSON", "an empty body", "malformed JSON", or what was expected.
    static func describeBody(_ response: HTTPResponse, expected: String) -> String {
        let body = response.body
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return "an empty body" }
        let contentType = response.header("content-type")?.lowercased() ?? ""
        let start = body.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) })
        if contentType.contains("html") || start == UInt8(ascii: "<") { return "an HTML page instead of JSON" }
        if (try? JSONSerialization.jsonObject(with: body)) == nil { return "malformed JSON instead of \(expected)" }
        return "JSON that is not \(expected)"
    }
}
