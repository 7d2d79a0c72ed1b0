import Foundation
import TestSupport

/// Validates JSON against one of Amazon's official schemas in `../shared/amazon`,
/// with Debian's python3-jsonschema (a real Draft 7 validator, not a hand-written one).
enum OfficialSchema {
    static var directory: URL { repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/amazon") }

    /// The validator's error lines; empty when valid.
    static func errors(of json: Data, schema file: String) async throws -> [String] {
        let document = FileManager.default.temporaryDirectory.appendingPathComponent("amazon-\(UUID().uuidString).json")
        try json.write(to: document)
        defer { try? FileManager.default.removeItem(at: document) }
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))
            errors = list(jsonschema.Draft7Validator(schema).iter_errors(doc))
            for e in errors: print("/".join(map(str, e.path)) + ": " + e.message[:200])
            print("VALID" if not errors else "INVALID")
            """
        let result = try await ChildProcess.run(
            "/usr/bin/python3", ["-c", script, directory.appendingPathComponent(file).path, document.path])
        let lines = result.output.split(separator: "\n").map(String.init)
        guard result.status == 0, let verdict = lines.last, verdict == "VALID" || verdict == "INVALID" else {
            throw TestSetupError("python3-jsonschema did not run (status \(result.status)): \(result.output.prefix(300))")
        }
        return verdict == "VALID" ? [] : Array(lines.dropLast())
    }
}
