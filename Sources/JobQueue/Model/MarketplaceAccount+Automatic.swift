import Foundation

extension MarketplaceAccount {
    /// The seed's "Active flag": `settings.automatic = true`. While it is on the
    /// account's schedules run, and manual sync commands refuse without `--force`.
    public var isAutomatic: Bool {
        guard let object = try? JSONSerialization.jsonObject(with: settings) as? [String: Any] else { return false }
        return (object["automatic"] as? Bool) == true
    }

    /// Refuses a manual sync of an automatic account unless `force` is set;
    /// the message says what runs instead and how to override.
    public func requireManualMode(force: Bool, command: String) throws(JobAdminError) {
        guard isAutomatic, !force else { return }
        throw .refused(
            "account \(id) (\(name)) is in automatic mode (settings.automatic = true): its schedule runs the sync (see jobctl schedules); pass --force to \(command) now anyway, or set settings.automatic to false"
        )
    }
}
