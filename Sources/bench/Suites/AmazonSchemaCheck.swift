import Foundation

/// Checks a built feed against Amazon's official `listings-feed-schema-v2.json`
/// with a real JSON Schema validator, Debian's python3-jsonschema (Draft 7, as
/// the schema declares), the way the tests do. Run once per suite, outside the
/// timed part: the benchmark times the build; this says the bytes are valid.
enum AmazonSchemaCheck {
    /// `<repo>/../shared/amazon/listings-feed-schema-v2.json`; `bench/run` runs from the repository root.
    static var schemaPath: String {
        URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .deletingLastPathComponent().appendingPathComponent("shared/amazon/listings-feed-schema-v2.json").standardized.path
    }

    static let python = "/usr/bin/python3"

    static let script = """
        import json, sys
        import jsonschema
        schema = json.load(open(sys.argv[1]))
        document = json.load(open(sys.argv[2]))
        jsonschema.Draft7Validator.check_schema(schema)
        errors = list(jsonschema.Draft7Validator(schema).iter_errors(document))
        for error in errors[:5]:
            print("/".join(str(p) for p in error.absolute_path) + ": " + error.message[:200])
        print("errors: %d" % len(errors))
        sys.exit(1 if errors else 0)
        """

    /// "valid (python3-jsonschema X, Draft 7, listings-feed-schema-v2.json)" or why not.
    static func validate(_ document: Data, logDirectory: URL) throws -> String {
        let file = logDirectory.appendingPathComponent("amazon-feed-\(UUID().uuidString).json")
        try document.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, output) = try run(["-c", "import importlib.metadata as m; print(m.version('jsonschema'))"])
        let version = status == 0 ? output.trimmingCharacters(in: .whitespacesAndNewlines) : "?"
        let (checked, findings) = try run(["-c", script, schemaPath, file.path])
        let lines = findings.split(separator: "\n").map(String.init)
        guard lines.last?.hasPrefix("errors: ") == true else {
            return "not validated: python3-jsonschema did not run (\(findings.prefix(200)))"
        }
        if checked == 0 { return "valid (python3-jsonschema \(version), Draft 7, listings-feed-schema-v2.json)" }
        return "INVALID: \(lines.dropLast().prefix(3).joined(separator: "; "))"
    }

    private static func run(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
