import Amazon
import Foundation

/// Issue 9: "a 25,000-message JSON_LISTINGS_FEED built and validated against
/// the schema: ≤ 1 s in release". 25,000 create entries (full listings:
/// title, brand, description, bullets, exact price, quantity, images) are made
/// in memory, as `CatalogStore.nextBatch` hands them to the builder; the timed
/// part is `FeedBuilder.build` (every message and the document's bytes),
/// median of `runs`. Validity is established outside the timing, once: the
/// built document is written to a file and checked with Debian's
/// python3-jsonschema (`/usr/bin/python3`, Draft 7) against Amazon's
/// `listings-feed-schema-v2.json` in `<repo>/../shared/amazon`, as the tests
/// check every feed they build. No schema or validator: no figure.
struct AmazonFeedBuild: BenchSuite {
    let name = "amazon feed build"
    static let target = "a 25,000-message JSON_LISTINGS_FEED built and schema-validated ≤ 1 s (release)"
    var targets: [(issue: Int, target: String)] { [(9, Self.target)] }
    static let messages = 25_000

    func unavailableReason(_ context: BenchContext) -> String? {
        guard FileManager.default.fileExists(atPath: AmazonSchemaCheck.schemaPath) else {
            return "Amazon's feed schema is not at \(AmazonSchemaCheck.schemaPath)"
        }
        return nil
    }

    func run(_ context: BenchContext) async throws -> SuiteOutcome {
        let settings = FeedSettings(
            sellerID: "A2BENCHSELLER", marketplaceID: "ATVPDKIKX0DER", imageBaseURL: "https://img.example.com",
            currency: "USD")
        let builder = FeedBuilder(settings: settings)
        let entries = (1...Self.messages).map { n in
            FeedEntry(
                syncID: Int64(n), type: .create, values: [:],
                listing: ListingSnapshot(
                    sku: "BENCH-\(n)", productType: "PRODUCT", title: "Bench product \(n)",
                    description: "A product the benchmark lists, number \(n).", brand: "Acme",
                    bulletPoints: ["Durable", "Made for benchmarks"], price: Decimal(string: "19.\(n % 100)")!,
                    currency: "USD", quantity: Decimal(n % 50), imageVersion: "v1", imageCount: 3))
        }
        var seconds = Sample()
        var document: ListingsFeedDocument?
        for _ in 1...max(context.runs, 3) {
            let start = ContinuousClock.now
            let build = builder.build(entries)
            seconds.add((ContinuousClock.now - start).seconds)
            guard build.rejected.isEmpty, build.documents.count == 1, build.documents[0].messages.count == Self.messages else {
                throw BenchError(
                    "feed build: \(build.documents.count) documents, \(build.rejected.count) rejected; expected one of \(Self.messages)"
                )
            }
            document = build.documents[0]
        }
        let built = document!
        context.progress("  validating the \(built.data.count)-byte document with python3-jsonschema (not timed)")
        let validation = try AmazonSchemaCheck.validate(built.data, logDirectory: context.runner.logDirectory)
        let median = seconds.median
        let section = [
            "### Amazon: a \(Sample.rate(Double(Self.messages)))-message JSON_LISTINGS_FEED built",
            "",
            "| | |",
            "|---|---|",
            "| build (median of \(seconds.values.count)) | \(String(format: "%.3f", median)) s |",
            "| document | \(built.data.count / 1024) KiB, \(built.messages.count) messages (creates: full listings, 3 images each) |",
            "| validation (not timed) | \(validation) |",
        ]
        let measured = "\(String(format: "%.3f", median)) s; \(validation)"
        guard validation.hasPrefix("valid") else {
            return SuiteOutcome(
                section: section,
                targets: [
                    TargetResult(issue: 9, target: Self.target, measured: measured, verdict: .missed("the document is not valid"))
                ])
        }
        let result = TargetResult.check(
            issue: 9, Self.target, measured: measured, value: median, bound: 1, atLeast: false,
            format: { String(format: "%.3f s", $0) })
        return SuiteOutcome(section: section, targets: [result])
    }
}
