/// Repeated measurements of one figure; the report shows the median because
/// this 2-core machine is shared and single runs swing by ±20%.
struct Sample {
    private(set) var values: [Double] = []

    mutating func add(_ value: Double) { values.append(value) }

    var median: Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
    var min: Double { values.min() ?? .nan }
    var max: Double { values.max() ?? .nan }

    /// "12,345 (11,900–12,800)" for rates; the range is omitted for a single run.
    func rate() -> String {
        values.count > 1 ? "\(Self.rate(median)) (\(Self.rate(min))–\(Self.rate(max)))" : Self.rate(median)
    }

    static func rate(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        let rounded = Int(value.rounded())
        var digits = String(abs(rounded))
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        return (rounded < 0 ? "-" : "") + digits + grouped
    }

    static func percent(_ value: Double) -> String {
        value.isFinite ? "\(Int((value * 100).rounded()))%" : "–"
    }

    static func decimal(_ value: Double, _ places: Int = 1) -> String {
        guard value.isFinite else { return "–" }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (value * scale).rounded() / scale
        var text = "\(scaled)"
        if let dot = text.firstIndex(of: ".") {
            let decimals = text[text.index(after: dot)...].count
            if decimals < places { text += String(repeating: "0", count: places - decimals) }
            if places == 0 { text = String(text[..<dot]) }
        }
        return text
    }
}
