import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An XML feed's `ProcessingReport` (order acknowledgements, adjustments),
/// read with FoundationXML: the summary and one result per message with an
/// error or warning. A message with no `Error` result succeeded.
public struct XMLProcessingReport: Sendable, Equatable {
    /// One `Result`.
    public struct Result: Sendable, Equatable {
        /// The message it is about (0 when the report names none).
        public var messageID: Int
        /// `Error` or `Warning`.
        public var resultCode: String
        /// Amazon's numeric code, e.g. `18028`.
        public var messageCode: String?
        /// The description.
        public var description: String
    }

    /// `StatusCode`, e.g. `Complete`.
    public var statusCode: String?
    /// `MessagesProcessed`.
    public var processed: Int
    /// `MessagesSuccessful`.
    public var successful: Int
    /// `MessagesWithError`.
    public var withError: Int
    /// `MessagesWithWarning`.
    public var withWarning: Int
    /// The results.
    public var results: [Result]

    /// Why a report could not be read.
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        /// What was wrong.
        public var description: String
    }

    /// Parses the report; a document that is not XML or has no ProcessingReport is a `ParseError`.
    public static func parse(_ data: Data) throws(ParseError) -> XMLProcessingReport {
        let document: XMLDocument
        do { document = try XMLDocument(data: data, options: []) } catch {
            throw ParseError(description: "the processing report is not well-formed XML (\(data.count) bytes)")
        }
        guard let root = document.rootElement(),
            let report = first(root, "Message/ProcessingReport") ?? first(root, "ProcessingReport")
                ?? (root.name == "ProcessingReport" ? root : nil)
        else {
            throw ParseError(description: "the XML has no ProcessingReport element")
        }
        guard let summary = first(report, "ProcessingSummary") else {
            throw ParseError(description: "the ProcessingReport has no ProcessingSummary")
        }
        func count(_ name: String) throws(ParseError) -> Int {
            guard let text = first(summary, name)?.stringValue, let value = Int(text.trimmingCharacters(in: .whitespaces))
            else {
                if name == "MessagesWithWarning" { return 0 }
                throw ParseError(description: "ProcessingSummary/\(name) is missing or not a number")
            }
            return value
        }
        var results: [Result] = []
        for node in report.elements(forName: "Result") {
            let id = first(node, "MessageID")?.stringValue.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0
            results.append(
                Result(
                    messageID: id, resultCode: first(node, "ResultCode")?.stringValue ?? "Error",
                    messageCode: first(node, "ResultMessageCode")?.stringValue,
                    description: first(node, "ResultDescription")?.stringValue ?? ""))
        }
        return XMLProcessingReport(
            statusCode: first(report, "StatusCode")?.stringValue, processed: try count("MessagesProcessed"),
            successful: try count("MessagesSuccessful"), withError: try count("MessagesWithError"),
            withWarning: try count("MessagesWithWarning"), results: results)
    }

    static func first(_ element: XMLElement, _ path: String) -> XMLElement? {
        var node = element
        for name in path.split(separator: "/") {
            guard let next = node.elements(forName: String(name)).first else { return nil }
            node = next
        }
        return node
    }

    /// The summary as the `amazon_feed.processing_summary` object, in the
    /// catalog feeds' shape (`ProcessingReport.Summary`), so `jobctl amazon
    /// status` shows every feed alike: accepted = successful, invalid = with an error.
    public var summaryJSON: String {
        #"{"errors": \#(withError), "warnings": \#(withWarning), "messagesProcessed": \#(processed), "messagesAccepted": \#(successful), "messagesInvalid": \#(withError)}"#
    }
}
