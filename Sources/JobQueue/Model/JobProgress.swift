import Foundation

/// How far a running attempt got, as `marketplace_job.progress` stores it
/// (`{"done": n, "total": m, "phase": "..."}`, every key optional). A handler
/// reports it through `JobContext.progress(done:total:phase:)`; `jobctl show`,
/// `jobctl list` and `--wait` read it back.
public struct JobProgress: Sendable, Codable, Equatable {
    /// Units finished so far (pages, SKUs, messages), if the handler counts.
    public var done: Int?
    /// Units in all, when the handler knows; with `done`, a percentage.
    public var total: Int?
    /// What the job is doing now, in words ("pages", "IN_PROGRESS").
    public var phase: String?

    /// A progress value; negative counts are raised to 0 (the column refuses them).
    public init(done: Int? = nil, total: Int? = nil, phase: String? = nil) {
        self.done = done.map { max(0, $0) }
        self.total = total.map { max(0, $0) }
        self.phase = phase
    }

    /// Whole percent done (0…100), when both counts are known and `total` > 0.
    public var percent: Int? {
        guard let done, let total, total > 0 else { return nil }
        return Int(min(100, (Double(done) / Double(total) * 100).rounded(.down)))
    }

    /// "7/20 pages (35%)", "IN_PROGRESS", "3 pages": for people.
    public var text: String {
        var parts: [String] = []
        switch (done, total) {
        case (let done?, let total?): parts.append("\(done)/\(total)")
        case (let done?, nil): parts.append("\(done)")
        case (nil, let total?): parts.append("0/\(total)")
        case (nil, nil): break
        }
        if let phase, !phase.isEmpty { parts.append(phase) }
        if let percent { parts.append("(\(percent)%)") }
        return parts.isEmpty ? "started" : parts.joined(separator: " ")
    }

    /// The stored JSON, keys sorted, absent values left out.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding three optionals of plain types cannot fail.
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The column's value, or nil for SQL NULL or JSON this type cannot read.
    public static func decode(_ text: String?) -> JobProgress? {
        guard let text else { return nil }
        return try? JSONDecoder().decode(JobProgress.self, from: Data(text.utf8))
    }
}
