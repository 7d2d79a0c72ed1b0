import Foundation

/// Removes every credential value from error text and results before they
/// are written: handlers should never put secrets there, and this makes sure
/// they cannot.
struct SecretScrubber: Sendable {
    /// The account's credential values (see `Credentials.secretValues`).
    let secrets: [String]

    /// The completion with every secret replaced by `[redacted]`.
    func scrub(_ completion: Completion) -> Completion {
        guard !secrets.isEmpty else { return completion }
        switch completion {
        case .done(let result):
            let text = String(decoding: result, as: UTF8.self)
            let cleaned = clean(text)
            return cleaned == text ? completion : .done(result: Data(cleaned.utf8))
        case .retry(let error, let at): return .retry(error: clean(error), at: at)
        case .failed(let error): return .failed(error: clean(error))
        case .snooze(let note, let until): return .snooze(note: clean(note), until: until)
        case .release, .discard: return completion
        }
    }

    /// `text` with every secret replaced.
    func clean(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
    }
}
