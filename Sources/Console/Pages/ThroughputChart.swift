/// The overview's throughput chart: an SVG bar chart drawn on the server, one
/// bar per minute of the last hour, done jobs green and failed red stacked
/// on them. No script, no library: the numbers become rectangles.
enum ThroughputChart {
    static func svg(_ minutes: [OverviewStore.Minute], width: Int = 720, height: Int = 160) -> String {
        let peak = max(1, minutes.map { $0.done + $0.failed }.max() ?? 1)
        let plotHeight = height - 20
        let barWidth = Double(width) / Double(max(minutes.count, 1))
        var bars = ""
        for (index, minute) in minutes.enumerated() {
            let x = Double(index) * barWidth
            let doneHeight = Double(minute.done) / Double(peak) * Double(plotHeight)
            let failedHeight = Double(minute.failed) / Double(peak) * Double(plotHeight)
            let title = "\(minute.minutesAgo) min ago: \(minute.done) done, \(minute.failed) failed"
            bars += "<g><title>\(title)</title>"
            bars += rect(x, Double(plotHeight) - doneHeight, barWidth - 1, doneHeight, "#4a4")
            bars += rect(x, Double(plotHeight) - doneHeight - failedHeight, barWidth - 1, failedHeight, "#c33")
            bars += "</g>"
        }
        return """
            <svg id="throughput" xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" role="img" aria-label="jobs finished per minute, last hour">\
            <rect x="0" y="0" width="\(width)" height="\(plotHeight)" fill="#f8f8fb"/>\(bars)\
            <text x="0" y="\(height - 4)" font-size="11">60 min ago</text>\
            <text x="\(width - 30)" y="\(height - 4)" font-size="11">now</text>\
            <text x="4" y="12" font-size="11">peak \(peak)/min</text></svg>
            """
    }

    private static func rect(_ x: Double, _ y: Double, _ width: Double, _ height: Double, _ fill: String) -> String {
        guard height > 0 else { return "" }
        return
            "<rect x=\"\(format(x))\" y=\"\(format(y))\" width=\"\(format(width))\" height=\"\(format(height))\" fill=\"\(fill)\"/>"
    }

    private static func format(_ value: Double) -> String { String(Double(Int(value * 10)) / 10) }
}
