import Foundation
import MarketplaceSim
import TestSupport
import Testing

/// Validates JSON documents against Amazon's official schemas in
/// `<repo>/../shared/amazon/` with a real JSON Schema validator: Debian's
/// `python3-jsonschema` (Draft 7, as the schemas declare), run as a
/// subprocess on a temporary file.
enum SchemaValidator {
    static let feedSchema = "listings-feed-schema-v2.json"
    static let reportSchema = "listings-feed-processing-report-schema-v2.json"

    static var amazonDirectory: URL {
        repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/amazon")
    }

    /// The Debian interpreter, whose site packages hold python3-jsonschema.
    static let python = "/usr/bin/python3"

    static let script = """
        import json, sys
        import jsonschema
        schema = json.load(open(sys.argv[1]))
        document = json.load(open(sys.argv[2]))
        jsonschema.Draft7Validator.check_schema(schema)
        errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(document), key=lambda e: list(e.absolute_path))
        for error in errors[:20]:
            print("/".join(str(p) for p in error.absolute_path) + ": " + error.message[:300])
        print("errors: %d" % len(errors))
        sys.exit(1 if errors else 0)
        """

    /// The validator's findings: empty when the document is valid.
    static func errors(in document: Data, schema: String) async throws -> [String] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("amazon-doc-\(UUID().uuidString).json")
        try document.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let schemaPath = amazonDirectory.appendingPathComponent(schema).path
        guard FileManager.default.fileExists(atPath: schemaPath) else {
            throw TestSetupError("schema \(schemaPath) not found: the tests read Amazon's schemas from <repo>/../shared/amazon")
        }
        let (status, output) = try await ChildProcess.run(python, ["-c", script, schemaPath, file.path])
        let lines = output.split(separator: "\n").map(String.init)
        guard lines.last?.hasPrefix("errors: ") == true else {
            throw TestSetupError(
                "the schema validator did not run (is python3-jsonschema installed? apt-get install python3-jsonschema): \(output.prefix(500))"
            )
        }
        if status == 0 { return [] }
        return Array(lines.dropLast())
    }
}

extension SchemaValidator {
    /// Validates every JSON_LISTINGS_FEED the jobs uploaded to `simulator`
    /// against the official feed schema, so feeds built by the real jobs are
    /// checked too, not only the ones the builder tests make. Returns how many
    /// documents were checked.
    @discardableResult
    static func checkEverySubmittedFeed(_ simulator: AmazonSimulator) async throws -> Int {
        var checked = 0
        for feed in await simulator.feeds() where feed.feedType == "JSON_LISTINGS_FEED" {
            let document = try #require(
                await simulator.uploadedDocument(id: feed.inputFeedDocumentID),
                "feed \(feed.feedID) has no uploaded document")
            let errors = try await errors(in: document, schema: feedSchema)
            #expect(errors.isEmpty, "feed \(feed.feedID) breaks listings-feed-schema-v2.json: \(errors)")
            checked += 1
        }
        return checked
    }
}
