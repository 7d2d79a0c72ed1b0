import Console
import Foundation
import HTTPClient
import JobQueue
import Logging
import MarketplaceSim
import Postgres
import TestSupport
import Testing
import WorkerCLI

/// "Test connection" and the Zortout buttons: each runs as a job that a real
/// worker works against the simulators, and the job's page shows the outcome.
@Suite struct ConsoleConnectionTests {
    /// Runs the shipped job types until the queue is idle.
    static func drain(_ h: ConsoleHarness) async throws {
        let worker = Worker(
            configuration: WorkerConfiguration(
                database: h.db.configuration, concurrency: 2, exitWhenIdle: true, leaseDuration: .seconds(30),
                pollInterval: .milliseconds(100)),
            registry: JobTypes.standard(), http: URLSessionHTTPClient(), logger: Logger(label: "console-test-worker"))
        let exited = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await worker.run()
                return true
            }
            group.addTask {
                try await Task.sleep(for: .seconds(120))
                return false
            }
            let first = try await group.next() ?? false
            group.cancelAll()
            return first
        }
        #expect(exited, "the worker did not go idle")
    }

    static func jobID(_ response: ConsoleClient.Response) throws -> Int64 {
        let location = try #require(response.header("location"), "no redirect: \(response.status) \(response.body)")
        let match = try #require(location.firstMatch(of: /\/jobs\/(\d+)/))
        return try #require(Int64(match.1))
    }

    @Test func zortoutButtonsRunAsJobsAndShowTheirOutcome() async throws {
        let credentials = ZortoutSimulator.Credentials(
            storeName: "store-CONSOLE-1", apiKey: "key-CONSOLE-2", apiSecret: "secret-CONSOLE-3")
        let simulator = try await ZortoutSimulator.start(catalogue: .seeded(size: 5), credentials: credentials)
        let h = try await ConsoleHarness.make("czortout")
        try await withTeardown(await h.finish()) { () async throws in
            try await h.connection.execute(
                "INSERT INTO stock_location (name, warehouse_code) VALUES ('WH/Online', 'ODS001')")
            let account = try await h.insertAccount(
                name: "zo", marketplace: "zortout",
                settings: #"{"base_url": "\#(simulator.baseURL.absoluteString)", "warehouse_code": "ODS001"}"#,
                credentials:
                    #"{"store_name": "\#(credentials.storeName)", "api_key": "\#(credentials.apiKey)", "api_secret": "\#(credentials.apiSecret)"}"#
            )
            let session = try await h.login("operator")
            let test = try Self.jobID(try await h.post("/accounts/\(account)/test-connection", as: session))
            let check = try Self.jobID(
                try await h.post("/accounts/\(account)/zortout/check-warehouse", ["code": "ODS001"], as: session))
            let pull = try Self.jobID(try await h.post("/accounts/\(account)/zortout/pull", as: session))
            try await Self.drain(h)
            let testPage = try await h.get("/jobs/\(test)", as: session).body
            #expect(testPage.contains("connection OK: 2 warehouse(s) in Zortout"), "\(testPage)")
            #expect(testPage.contains("W0001"))
            let checkPage = try await h.get("/jobs/\(check)", as: session).body
            #expect(checkPage.contains("warehouse ODS001 exists in Zortout"))
            #expect(checkPage.contains("WH/Online"))
            #expect(
                try await h.scalar("SELECT job_type || ':' || state AS v FROM marketplace_job WHERE id = $1", [pull])
                    == "zortout.pull_stock:done")
            for page in [testPage, checkPage, try await h.get("/jobs/\(pull)", as: session).body] {
                for secret in [credentials.storeName, credentials.apiKey, credentials.apiSecret] {
                    #expect(!page.contains(secret))
                }
            }
            let accountPage = try await h.get("/accounts/\(account)", as: session).body
            #expect(accountPage.contains("<td>operator</td><td>Test connection</td>"))
        }
        await simulator.stop()
    }

    @Test func amazonSecretsTypedByAnAdminPassTheConnectionTest() async throws {
        let configuration = AmazonSimulatorConfiguration(
            clientID: "amzn1.console-CLIENT-77", clientSecret: "console-SECRET-78", refreshToken: "Atzr|console-REFRESH-79")
        let simulator = try await AmazonSimulator.start(configuration: configuration)
        let h = try await ConsoleHarness.make("camzconn")
        try await withTeardown(await h.finish()) { () async throws in
            let account = try await h.insertAccount(
                name: "amz", marketplace: "amazon",
                settings: #"{"seller_id": "A2DEMOSELLER", "marketplace_ids": ["ATVPDKIKX0DER"]}"#, credentials: "{}")
            let admin = try await h.login("admin")
            let fields = [
                "seller_id": "A2DEMOSELLER", "marketplace_ids": "ATVPDKIKX0DER",
                "endpoint": simulator.endpoint.absoluteString, "token_endpoint": simulator.tokenEndpoint.absoluteString,
                "client_id": configuration.clientID, "client_secret": "wrong-secret", "refresh_token": configuration.refreshToken,
                "sync_enabled": "true",
            ]
            #expect(try await h.post("/accounts/\(account)/settings", fields, as: admin).status == 303)
            let wrong = try Self.jobID(try await h.post("/accounts/\(account)/test-connection", as: admin))
            try await Self.drain(h)
            #expect(try await h.scalar("SELECT state AS v FROM marketplace_job WHERE id = $1", [wrong]) == "failed")
            #expect(try await h.get("/jobs/\(wrong)", as: admin).body.contains("invalid_client"))
            // Replacing a secret needs the new value typed; the others stay.
            #expect(
                try await h.post(
                    "/accounts/\(account)/settings",
                    [
                        "seller_id": "A2DEMOSELLER", "marketplace_ids": "ATVPDKIKX0DER",
                        "endpoint": simulator.endpoint.absoluteString,
                        "token_endpoint": simulator.tokenEndpoint.absoluteString, "client_secret": configuration.clientSecret,
                        "sync_enabled": "true",
                    ],
                    as: admin
                ).status == 303)
            let right = try Self.jobID(try await h.post("/accounts/\(account)/test-connection", as: admin))
            try await Self.drain(h)
            let page = try await h.get("/jobs/\(right)", as: admin).body
            #expect(page.contains("connection OK: Login with Amazon issued an access token"), "\(page)")
            for path in ["/jobs/\(wrong)", "/jobs/\(right)", "/accounts/\(account)", "/jobs"] {
                let body = try await h.get(path, as: admin).body
                for secret in [configuration.clientID, configuration.clientSecret, configuration.refreshToken, "wrong-secret"] {
                    #expect(!body.contains(secret), "\(path) shows a secret")
                }
            }
        }
        await simulator.stop()
    }
}
