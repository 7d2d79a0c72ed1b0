import Amazon
import JobQueue
import SellOffers
import Zortout

/// Every job type the shipped `worker` runs. Adding a type: write its handler
/// file in its marketplace module, then add one `register` line here.
public enum JobTypes {
    /// A fresh registry of every shipped type.
    public static func standard() -> HandlerRegistry {
        var registry = HandlerRegistry()
        registry.register(NoopJob())
        registry.register(SleepJob())
        registry.register(PruneJobsJob())
        registry.register(DeliverWebhookJob())
        // Zortout
        registry.register(PullStockJob())
        registry.register(ListWarehousesJob())
        // Sell offers
        registry.register(RecalculateOrderPriceJob())
        registry.register(AggregateOrderPricesJob())
        registry.register(RefreshExpiredOrderPricesJob())
        // Amazon
        registry.register(CatalogSyncJob())
        registry.register(FeedStatusJob())
        registry.register(PruneOperationsJob())
        registry.register(OrdersSyncJob())
        registry.register(OrdersAckJob())
        registry.register(OrdersAckStatusJob())
        registry.register(ConfirmShipmentJob())
        registry.register(RefundJob())
        registry.register(SettlementsJob())
        registry.register(TestConnectionJob())
        return registry
    }
}
