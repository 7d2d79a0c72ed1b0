import ExactJSON
import Foundation

/// Processes one JSON_LISTINGS_FEED document as Amazon would, in miniature:
/// a document that breaks the schema (its envelope, or any message's required
/// fields and per-operation `oneOf`) is FATAL and nothing is applied; otherwise
/// each message is checked against the configured per-SKU issues, then applied
/// to the listing store with UPDATE / PARTIAL_UPDATE / PATCH / DELETE semantics.
struct AmazonFeedProcessor {
    /// What processing produced.
    struct Outcome {
        var fatal: Bool
        var report: AmazonProcessingReport
    }

    let sellerID: String
    let skuIssues: [AmazonSKUIssue]
    var listings: [String: AmazonListing]

    static let operationTypes: Set<String> = ["UPDATE", "PARTIAL_UPDATE", "PATCH", "DELETE"]
    static let patchOps: Set<String> = ["add", "replace", "merge", "delete"]

    mutating func process(document: Data, feedID: String) -> Outcome {
        var report = AmazonProcessingReport(header: .init(sellerId: sellerID, feedId: feedID))
        func fatal(_ message: String) -> Outcome {
            report.issues = [.init(code: "4000001", severity: "ERROR", message: message)]
            report.tally()
            return Outcome(fatal: true, report: report)
        }
        guard let root = try? JSONParser.parse(document), root.objectValue != nil else {
            return fatal("The feed document is not a JSON object.")
        }
        guard let header = root["header"]?.objectValue else { return fatal("The feed has no 'header' object.") }
        guard let seller = header["sellerId"]?.stringValue else { return fatal("The feed header has no 'sellerId'.") }
        guard seller == sellerID else {
            return fatal("The feed header's sellerId '\(seller.prefix(40))' is not the seller that submitted it.")
        }
        guard header["version"]?.stringValue == "2.0" else { return fatal("The feed header's 'version' must be \"2.0\".") }
        guard let messages = root["messages"]?.arrayValue else { return fatal("The feed has no 'messages' array.") }
        guard (1...25_000).contains(messages.count) else {
            return fatal("The feed must hold 1 to 25000 messages; it holds \(messages.count).")
        }

        // A document the schema refuses is refused whole: FATAL, nothing applied,
        // one issue per problem (with its messageId when it has a readable one).
        var seenIDs = Set<Int>()
        var schemaIssues: [AmazonProcessingReport.Issue] = []
        for message in messages {
            let messageID = message["messageId"]?.intValue
            var problems = Self.structuralProblems(message)
            if let messageID, !seenIDs.insert(messageID).inserted {
                problems.append("messageId \(messageID) is used by an earlier message of this feed.")
            }
            for problem in problems where schemaIssues.count < 1_000 {
                schemaIssues.append(
                    .init(
                        messageId: messageID.flatMap { $0 >= 1 ? $0 : nil },
                        sku: message["sku"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 },
                        code: "4000002", severity: "ERROR", message: problem))
            }
        }
        if !schemaIssues.isEmpty {
            report.issues =
                [
                    .init(
                        code: "4000001", severity: "ERROR",
                        message: "The feed document does not follow the JSON_LISTINGS_FEED schema (version 2.0).")
                ] + schemaIssues
            report.tally()
            return Outcome(fatal: true, report: report)
        }

        for message in messages {
            report.summary.messagesProcessed += 1
            // The structure was checked above: both are there.
            guard let id = message["messageId"]?.intValue, let skuValue = message["sku"]?.stringValue else { continue }
            let configured = skuIssues.filter { $0.sku == skuValue }
            for issue in configured {
                report.issues.append(
                    .init(
                        messageId: id, sku: skuValue, code: issue.code, severity: issue.severity,
                        message: issue.message, attributeName: issue.attributeName))
            }
            if configured.contains(where: { $0.severity == "ERROR" }) {
                report.summary.messagesInvalid += 1
                continue
            }
            if let refusal = apply(message, sku: skuValue, feedID: feedID) {
                report.issues.append(.init(messageId: id, sku: skuValue, code: "8541", severity: "ERROR", message: refusal))
                report.summary.messagesInvalid += 1
            } else {
                report.summary.messagesAccepted += 1
            }
        }
        report.tally()
        return Outcome(fatal: false, report: report)
    }

    /// The listings feed schema's rules for one message, as sentences.
    static func structuralProblems(_ message: JSONValue) -> [String] {
        guard let object = message.objectValue else { return ["A message must be a JSON object."] }
        var problems: [String] = []
        if let id = object["messageId"]?.intValue {
            if id < 1 { problems.append("'messageId' must be at least 1.") }
        } else {
            problems.append("'messageId' is required and must be an integer.")
        }
        if (object["sku"]?.stringValue ?? "").isEmpty { problems.append("'sku' is required and must be a non-empty string.") }
        guard let operation = object["operationType"]?.stringValue, operationTypes.contains(operation) else {
            return problems + ["'operationType' must be one of UPDATE, PARTIAL_UPDATE, PATCH, DELETE."]
        }
        let hasProductType = !(object["productType"]?.stringValue ?? "").isEmpty
        let attributes = object["attributes"]
        let hasAttributes = !(attributes?.objectValue ?? [:]).isEmpty
        if attributes != nil && attributes?.objectValue == nil { problems.append("'attributes' must be an object.") }
        func forbid(_ key: String) {
            if object[key] != nil { problems.append("'\(key)' is not applicable to \(operation) operations.") }
        }
        switch operation {
        case "UPDATE":
            if !hasProductType { problems.append("UPDATE operations require a 'productType'.") }
            if !hasAttributes { problems.append("UPDATE operations require 'attributes'.") }
            forbid("patches")
        case "PARTIAL_UPDATE":
            if !hasProductType { problems.append("PARTIAL_UPDATE operations require a 'productType'.") }
            if !hasAttributes { problems.append("PARTIAL_UPDATE operations require 'attributes'.") }
            forbid("requirements"); forbid("patches")
        case "PATCH":
            if !hasProductType { problems.append("PATCH operations require a 'productType'.") }
            forbid("requirements"); forbid("attributes")
            guard let patches = object["patches"]?.arrayValue, !patches.isEmpty else {
                problems.append("PATCH operations require a non-empty 'patches' array.")
                break
            }
            for (index, patch) in patches.enumerated() {
                guard let op = patch["op"]?.stringValue, patchOps.contains(op) else {
                    problems.append("patches[\(index)].op must be add, replace, merge or delete."); continue
                }
                guard let path = patch["path"]?.stringValue, path.hasPrefix("/attributes/"), path.count > 12 else {
                    problems.append("patches[\(index)].path must be a JSON pointer such as /attributes/item_name."); continue
                }
                if let value = patch["value"], value.arrayValue?.allSatisfy({ $0.objectValue != nil }) != true {
                    problems.append("patches[\(index)].value must be an array of objects.")
                }
                if op != "delete" && patch["value"] == nil { problems.append("patches[\(index)] needs a 'value' for '\(op)'.") }
            }
        default:
            forbid("requirements"); forbid("attributes"); forbid("productType"); forbid("patches")
        }
        return problems
    }

    /// Applies an accepted message; returns why it cannot be applied, if so.
    mutating func apply(_ message: JSONValue, sku: String, feedID: String) -> String? {
        let operation = message["operationType"]!.stringValue!
        let productType = message["productType"]?.stringValue
        let existing = listings[sku].flatMap { $0.deleted ? nil : $0 }
        switch operation {
        case "UPDATE":
            listings[sku] = AmazonListing(
                sku: sku, productType: productType!, attributes: message["attributes"]!.objectValue!,
                lastFeedID: feedID)
        case "DELETE":
            if var listing = listings[sku] {
                listing.deleted = true
                listing.lastFeedID = feedID
                listings[sku] = listing
            }
        case "PARTIAL_UPDATE":
            guard var listing = existing else { return Self.unknownSKU(sku) }
            listing.attributes.merge(message["attributes"]!.objectValue!) { $1 }
            listing.lastFeedID = feedID
            listings[sku] = listing
        default:
            guard var listing = existing else { return Self.unknownSKU(sku) }
            for patch in message["patches"]!.arrayValue! {
                let name = String(patch["path"]!.stringValue!.dropFirst("/attributes/".count))
                let value = patch["value"]?.arrayValue ?? []
                switch patch["op"]!.stringValue! {
                case "delete":
                    listing.attributes[name] = nil
                case "merge":
                    var merged = listing.attributes[name]?.arrayValue ?? []
                    for (index, element) in value.enumerated() {
                        if index < merged.count, let old = merged[index].objectValue, let new = element.objectValue {
                            merged[index] = .object(old.merging(new) { $1 })
                        } else {
                            merged.append(element)
                        }
                    }
                    listing.attributes[name] = .array(merged)
                default:
                    listing.attributes[name] = .array(value)
                }
            }
            listing.lastFeedID = feedID
            listings[sku] = listing
        }
        return nil
    }

    static func unknownSKU(_ sku: String) -> String {
        "The SKU '\(sku)' has no listing yet; submit an UPDATE with its product data before offer or patch data."
    }
}
