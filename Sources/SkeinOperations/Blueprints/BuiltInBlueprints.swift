/// The blueprints shipped with Skein: `Blueprints/Shipped/`, embedded in the binary by SwiftPM
/// (`.embedInCode` in Package.swift), so an installed `skein` needs no resource bundle.
///
/// SwiftPM names an embedded file by its file name alone, so every shipped file needs a name of
/// its own (the flow files are named after their flow ids, the CSVs after their lookups).
enum BuiltInBlueprints {
    /// The manifests, by their path in `Shipped/`.
    static let manifests = ["shopify-to-wms.yaml", "wms-stock-to-shopify.yaml"]

    /// Every shipped file by its path relative to `Shipped/`, as the manifests name them.
    static var files: [String: [UInt8]] {
        [
            "shopify-to-wms.yaml": PackageResources.shopify_to_wms_yaml,
            "shopify-to-wms/shopify-orders-to-wms.yaml": PackageResources.shopify_orders_to_wms_yaml,
            "shopify-to-wms/shopify-shipping-to-wms-carrier.csv": PackageResources.shopify_shipping_to_wms_carrier_csv,
            "wms-stock-to-shopify.yaml": PackageResources.wms_stock_to_shopify_yaml,
            "wms-stock-to-shopify/wms-stock-levels-to-shopify.yaml": PackageResources.wms_stock_levels_to_shopify_yaml,
            "wms-stock-to-shopify/wms-warehouse-to-shopify-location.csv": PackageResources.wms_warehouse_to_shopify_location_csv,
        ]
    }
}
