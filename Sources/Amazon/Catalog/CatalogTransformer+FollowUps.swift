import ExactJSON

extension CatalogTransformer {
    /// Rule 7 (the seed's "method 1"): once Amazon accepted a create, the
    /// price, inventory and image rows of that listing are written explicitly,
    /// and the relationship row when the listing belongs to a variation family
    /// (sent only now, when the relationship is first created). A parent has
    /// no offer, so it gets its relationship and image only.
    public static func followUps(acceptedCreateOf record: RecordKey, state: CatalogState) -> [SyncChange] {
        let reason: [String: JSONValue] = ["follow_up_of": .string("create")]
        switch record.model {
        case .productProduct:
            guard let variant = state.variants[record.id], variant.isListed else { return [] }
            var types: [SyncType] = [.price, .inventory]
            let template = variant.templateID.flatMap { state.templates[$0] }
            if variant.imageVersion != nil || (template?.isParent == false && template?.imageVersion != nil) {
                types.append(.image)
            }
            if template?.isParent == true { types.append(.relationship) }
            return types.map { SyncChange(record: record, templateID: variant.templateID, type: $0, values: reason) }
        case .productTemplate:
            guard let template = state.templates[record.id], template.isListed else { return [] }
            var types: [SyncType] = [.relationship]
            if template.imageVersion != nil { types.append(.image) }
            return types.map { SyncChange(record: record, templateID: record.id, type: $0, values: reason) }
        }
    }
}
