import Foundation

/// A parsed Prometheus text exposition (format 0.0.4): the `# TYPE` of each
/// family and every sample line `name{label="value",…} number`. Strict: a
/// line that is neither a comment nor a well-formed sample is an error, so a
/// test that parses a scrape also checks that the endpoint writes the format.
struct PrometheusExposition {
    /// One sample line.
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    /// What a line that does not parse looked like.
    struct FormatError: Error, CustomStringConvertible {
        var line: String
        var reason: String
        var description: String { "not exposition format (\(reason)): \(line)" }
    }

    /// `# TYPE` by family name.
    var types: [String: String] = [:]
    var samples: [Sample] = []

    init(_ text: String) throws {
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = String(raw)
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
                if parts.count >= 4, parts[1] == "TYPE" {
                    guard ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                        throw FormatError(line: line, reason: "unknown type")
                    }
                    types[parts[2]] = parts[3]
                }
                continue
            }
            samples.append(try Self.sample(line))
        }
    }

    /// Samples of `name` whose labels include `labels`.
    func samples(_ name: String, _ labels: [String: String] = [:]) -> [Sample] {
        samples.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
    }

    /// The one sample of `name` with exactly these labels (nil when absent).
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    private static func sample(_ line: String) throws -> Sample {
        var rest = Substring(line)
        let name = String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" })
        guard let first = name.first, !first.isNumber else { throw FormatError(line: line, reason: "bad metric name") }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let key = String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                guard !key.isEmpty, rest.dropFirst(key.count).hasPrefix("=\"") else {
                    throw FormatError(line: line, reason: "bad label")
                }
                rest = rest.dropFirst(key.count + 2)
                var value = ""
                while let character = rest.first, character != "\"" {
                    rest = rest.dropFirst()
                    if character == "\\" {
                        guard let escaped = rest.first else { throw FormatError(line: line, reason: "dangling escape") }
                        rest = rest.dropFirst()
                        switch escaped {
                        case "n": value.append("\n")
                        case "\\", "\"": value.append(escaped)
                        default: throw FormatError(line: line, reason: "bad escape")
                        }
                    } else {
                        value.append(character)
                    }
                }
                guard rest.first == "\"" else { throw FormatError(line: line, reason: "unterminated label value") }
                rest = rest.dropFirst()
                labels[key] = value
                if rest.first == "," { rest = rest.dropFirst() }
                guard !rest.isEmpty else { throw FormatError(line: line, reason: "unterminated labels") }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { throw FormatError(line: line, reason: "no space before the value") }
        let fields = rest.split(separator: " ")
        guard (1...2).contains(fields.count) else { throw FormatError(line: line, reason: "value (and timestamp) expected") }
        let text = String(fields[0])
        let value: Double? =
            switch text {
            case "+Inf": .infinity
            case "-Inf": -.infinity
            case "NaN": .nan
            default: Double(text)
            }
        guard let value else { throw FormatError(line: line, reason: "value is not a number") }
        return Sample(name: name, labels: labels, value: value)
    }
}
