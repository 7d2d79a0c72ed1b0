import Foundation

/// `application/x-www-form-urlencoded` bodies, as browsers send plain forms.
enum FormData {
    /// The fields; the first of a repeated name wins. Bad percent-encoding or
    /// bytes that are not UTF-8 are a 400, not a guess.
    static func parse(_ body: Data) throws -> [String: String] {
        guard let text = String(data: body, encoding: .utf8) else {
            throw ConsoleError.badRequest("the form is not UTF-8")
        }
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try decode(parts[0])
            let value = parts.count > 1 ? try decode(parts[1]) : ""
            if fields[name] == nil { fields[name] = value }
        }
        return fields
    }

    static func decode(_ part: Substring) throws -> String {
        guard let decoded = part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
            throw ConsoleError.badRequest("the form has a malformed field: '\(part.prefix(40))'")
        }
        return decoded
    }
}
