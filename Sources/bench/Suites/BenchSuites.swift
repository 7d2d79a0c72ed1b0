/// The suites `bench` runs after its core rounds, in order.
enum BenchSuites {
    /// `orderPrices`: order prices touched by the tier change (10,000 in a
    /// full run, the figure).
    static func all(orderPrices: Int) -> [any BenchSuite] {
        [
            SellOfferRepricing(orderPrices: orderPrices), MetricsCost(), BlockedClaim(), AmazonFeedBuild(), AmazonTransform(),
            AmazonEndToEnd(), ConsoleJobsPage(),
        ]
    }
}
