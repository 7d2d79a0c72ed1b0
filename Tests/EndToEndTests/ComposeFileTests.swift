import Foundation
import TestSupport
import Testing

/// Docker does not run on our machines, so the compose file is checked by
/// reading it: it parses, and everything it names exists in the repository.
@Suite("docker-compose.yml")
struct ComposeFileTests {

    /// Parses YAML with PyYAML (python3-yaml, installed by .ci/run) and returns it as JSON.
    func load(_ file: String) async throws -> [String: Any] {
        let script = "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))"
        let result = try await ChildProcess.run(
            "/usr/bin/python3", ["-c", script, repositoryRoot.appendingPathComponent(file).path])
        guard result.status == 0, let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        else {
            throw TestSetupError("cannot parse \(file): \(result.output)")
        }
        return object
    }

    @Test("postgres, a one-shot migrate, a worker with 2 replicas and the console, all referencing things that exist")
    func composeFileIsCoherent() async throws {
        let compose = try await load("docker-compose.yml")
        let services = try #require(compose["services"] as? [String: [String: Any]])
        #expect(Set(services.keys) == ["postgres", "migrate", "worker", "console"])

        let worker = try #require(services["worker"])
        #expect((worker["deploy"] as? [String: Any])?["replicas"] as? Int == 2)
        #expect((worker["command"] as? [String])?.prefix(2) == ["worker", "run"])
        let migrate = try #require(services["migrate"])
        #expect(migrate["command"] as? [String] == ["jobctl", "migrate"])
        #expect(((migrate["depends_on"] as? [String: Any])?["postgres"] as? [String: String])?["condition"] == "service_healthy")
        #expect(
            ((worker["depends_on"] as? [String: Any])?["migrate"] as? [String: String])?["condition"]
                == "service_completed_successfully")
        let console = try #require(services["console"])
        #expect((console["command"] as? [String])?.prefix(2) == ["console", "serve"])
        #expect(
            ((console["depends_on"] as? [String: Any])?["migrate"] as? [String: String])?["condition"]
                == "service_completed_successfully")
        for name in ["migrate", "worker", "console"] {
            let environment = try #require(services[name]?["environment"] as? [String: String])
            #expect(environment["DATABASE_URL"]?.contains("@postgres:5432/") == true)
        }
        // Named volumes are declared.
        #expect((compose["volumes"] as? [String: Any])?.keys.contains("pgdata") == true)

        // The build context has a Dockerfile whose COPY sources and built products exist.
        let dockerfile = try String(contentsOf: repositoryRoot.appendingPathComponent("Dockerfile"), encoding: .utf8)
        for line in dockerfile.split(separator: "\n") where line.hasPrefix("COPY ") && !line.contains("--from") {
            let parts = line.split(separator: " ").dropFirst().dropLast()
            for source in parts {
                #expect(
                    FileManager.default.fileExists(atPath: repositoryRoot.appendingPathComponent(String(source)).path),
                    "Dockerfile copies \(source), which does not exist")
            }
        }
        let manifest = try String(contentsOf: repositoryRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        for product in ["worker", "jobctl", "console"] {
            #expect(dockerfile.contains("--product \(product)"))
            #expect(manifest.contains(".executable(name: \"\(product)\""))
        }
        #expect(dockerfile.contains("MJ_MIGRATIONS_DIR=/app/migrations"))
    }
}
