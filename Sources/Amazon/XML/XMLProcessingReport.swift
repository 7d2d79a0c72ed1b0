import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The processing report of an XML feed, parsed with FoundationXML:
/// `ProcessingReport{StatusCode, ProcessingSummary{MessagesProcessed,
/// MessagesSuccessful, MessagesWithError, MessagesWithWarning}, Result[]{MessageID,
/// ResultCode Error|Warning, ResultMessageCode, ResultDescription}}`.
/// A message without an `Error` result succeeded.
public struct XMLProcessingReport: Sendable, Equatable {
    /// One `Result`.
    public struct Result: Sendable, Equatable {
        /// The message it is about; nil (or 0) for the whole document.
        public var messageID: Int?
        /// `Error` or `Warning`.
        public var resultCode: String
        /// Amazon's numeric code, as text.
        public var resultMessageCode: String?
        /// Amazon's words.
        public var description: String
    }

    /// Why a report could not be read.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What is wrong, with a short quote of the document.
        public let description: String
    }

    /// `StatusCode`, e.g. `Complete`.
    public var statusCode: String?
    /// `MessagesProcessed`.
    public var messagesProcessed: Int
    /// `MessagesSuccessful`.
    public var messagesSuccessful: Int
    /// `MessagesWithError`.
    public var messagesWithError: Int
    /// `MessagesWithWarning`.
    public var messagesWithWarning: Int
    /// Every `Result`, in document order.
    public var results: [Result]

    /// The errors of one message, joined; nil when it succeeded.
    public func errors(messageID: Int) -> String? {
        let texts = results.filter { $0.messageID == messageID && $0.resultCode == "Error" }.map(Self.text)
        return texts.isEmpty ? nil : texts.joined(separator: "; ")
    }

    /// Errors not tied to a message (the whole document refused).
    public var documentErrors: [String] {
        results.filter { ($0.messageID ?? 0) == 0 && $0.resultCode == "Error" }.map(Self.text)
    }

    static func text(_ result: Result) -> String {
        (result.resultMessageCode.map { "\($0): " } ?? "") + result.description
    }

    /// Parses a report document (the bytes after any gunzip).
    public static func parse(_ data: Data) throws(Failure) -> XMLProcessingReport {
        let quote = String(decoding: data.prefix(80), as: UTF8.self)
        let document: XMLDocument
        do { document = try XMLDocument(data: data, options: []) } catch {
            throw Failure(description: "the processing report is not well-formed XML: \(quote)")
        }
        guard let report = document.rootElement().flatMap({ Self.first($0, path: ["Message", "ProcessingReport"]) }) else {
            throw Failure(description: "the document has no Message/ProcessingReport element: \(quote)")
        }
        guard let summary = Self.first(report, path: ["ProcessingSummary"]) else {
            throw Failure(description: "the processing report has no ProcessingSummary: \(quote)")
        }
        func count(_ name: String) throws(Failure) -> Int {
            guard let text = Self.first(summary, path: [name])?.stringValue else { return 0 }
            guard let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), value >= 0 else {
                throw Failure(description: "ProcessingSummary/\(name) is not a count: \(text.prefix(40))")
            }
            return value
        }
        var results: [Result] = []
        for element in report.elements(forName: "Result") {
            let idText = Self.first(element, path: ["MessageID"])?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let code = Self.first(element, path: ["ResultCode"])?.stringValue, code == "Error" || code == "Warning" else {
                throw Failure(description: "a Result has no ResultCode Error or Warning")
            }
            if let idText, Int(idText) == nil {
                throw Failure(description: "a Result's MessageID is not a number: \(idText.prefix(40))")
            }
            results.append(
                Result(
                    messageID: idText.flatMap { Int($0) }, resultCode: code,
                    resultMessageCode: Self.first(element, path: ["ResultMessageCode"])?.stringValue,
                    description: Self.first(element, path: ["ResultDescription"])?.stringValue ?? ""))
        }
        return XMLProcessingReport(
            statusCode: Self.first(report, path: ["StatusCode"])?.stringValue,
            messagesProcessed: try count("MessagesProcessed"), messagesSuccessful: try count("MessagesSuccessful"),
            messagesWithError: try count("MessagesWithError"), messagesWithWarning: try count("MessagesWithWarning"),
            results: results)
    }

    static func first(_ element: XMLElement, path: [String]) -> XMLElement? {
        var current = element
        for name in path {
            guard let next = current.elements(forName: name).first else { return nil }
            current = next
        }
        return current
    }
}
